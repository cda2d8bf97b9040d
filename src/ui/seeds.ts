// The default seed images (made by scripts/make-seeds.ts, procedural, 160×160) and the procedural
// noise seed the dream worker makes itself from the random seed. Ids are what the share URL carries.
import rings from '../../assets/seeds/rings.png?url';
import waves from '../../assets/seeds/waves.png?url';
import dusk from '../../assets/seeds/dusk.png?url';
import bokeh from '../../assets/seeds/bokeh.png?url';

export interface DefaultSeed { id: string; label: string; url: string | null }

/** 'noise' has no image: the worker's own procedural seed, reproducible from the random seed. */
export const NOISE_SEED = 'noise';

export const DEFAULT_SEEDS: readonly DefaultSeed[] = [
  { id: NOISE_SEED, label: 'colour noise', url: null },
  { id: 'rings', label: 'rings', url: rings },
  { id: 'waves', label: 'waves', url: waves },
  { id: 'dusk', label: 'dusk hills', url: dusk },
  { id: 'bokeh', label: 'bokeh lights', url: bokeh },
];

export const SEED_IDS: readonly string[] = DEFAULT_SEEDS.map((s) => s.id);
