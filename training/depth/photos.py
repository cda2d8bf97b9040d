"""Photographs from Debian packages' sample data, for the depth net's data and evaluation.

    /usr/bin/python3 training/depth/photos.py            # → training/depth/data/{photo-bank,eval-photos,real}/

Fetches two packages with `apt-get download` (no install) and unpacks them into training/depth/data/debs/:
- python3-skimage (scikit-image 0.19.3 sample data; package BSD-3-Clause): its photographs and texture images
  become **training** textures (`photo-bank/`, 128² crops), except the Middlebury 2014 *Motorcycle* pair.
- opencv-doc (OpenCV 4.6 samples; package Apache-2.0 / BSD-3-Clause): its photographs become textures of the
  **independent evaluation** generator only (`eval-photos/`, 128² crops), so the two generators share none.
- Real photographs with true disparity, **evaluation only** (`real/`, .dgd shards at 96² and 192², centre square
  crop, disparity resized with invalid pixels kept out; 0 = unknown):
  `motorcycle_left.png` + `motorcycle_disp.npz` (Middlebury 2014, scikit-image's `data.stereo_motorcycle`) and
  `aloeL.jpg` + `aloeGT.png` (Middlebury 2006 *Aloe*, OpenCV's samples). Middlebury asks users of its data sets to
  cite the papers (Scharstein et al., GCPR 2014; Hirschmüller & Scharstein, CVPR 2007); no other terms are given.
Needs python3-pil (`apt-get install python3-pil`; only this script does, so setup.sh and CI leave it out).
"""
import argparse
import glob
import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SKIMAGE = 'usr/lib/python3/dist-packages/skimage/data'
OPENCV = 'usr/share/doc/opencv-doc/examples/data'
# training textures (scikit-image): photographs and natural textures, never the stereo pair
TRAIN_PHOTOS = ['astronaut.png', 'brick.png', 'camera.png', 'chelsea.png', 'coffee.png', 'grass.png', 'gravel.png',
                'hubble_deep_field.jpg', 'rocket.jpg', 'moon.png', 'retina.jpg', 'color.png']
# evaluation textures (OpenCV): photographs only, disjoint from the training ones
EVAL_PHOTOS = ['baboon.jpg', 'building.jpg', 'fruits.jpg', 'home.jpg', 'board.jpg', 'orange.jpg', 'apple.jpg',
               'butterfly.jpg', 'messi5.jpg', 'aero1.jpg', 'leuvenA.jpg', 'graf1.png', 'HappyFish.jpg', 'lena.jpg',
               'starry_night.jpg', 'basketball1.png', 'blox.jpg']
REAL = {  # name: (image path, disparity path, how to read the disparity)
    'motorcycle': (f'{SKIMAGE}/motorcycle_left.png', f'{SKIMAGE}/motorcycle_disp.npz', 'npz'),
    'aloe': (f'{OPENCV}/aloeL.jpg', f'{OPENCV}/aloeGT.png', 'png'),
}


def fetch(debs_dir):
    """apt-get download + dpkg -x of the two packages (skipped when already unpacked)."""
    os.makedirs(debs_dir, exist_ok=True)
    root = os.path.join(debs_dir, 'root')
    if os.path.isdir(os.path.join(root, SKIMAGE)) and os.path.isdir(os.path.join(root, OPENCV)):
        return root
    subprocess.run(['apt-get', 'download', 'python3-skimage', 'opencv-doc'], cwd=debs_dir, check=True)
    for deb in glob.glob(os.path.join(debs_dir, '*.deb')):
        subprocess.run(['dpkg', '-x', deb, root], check=True)
    return root


def load_rgb(path):
    from PIL import Image
    im = Image.open(path)
    return np.asarray(im.convert('RGB'))


def crops(img, size, count, rng):
    """`count` square crops (a random side of 40–100 % of the short side) resized to size²."""
    from PIL import Image
    h, w = img.shape[:2]
    out = []
    for _ in range(count):
        s = int(min(h, w) * rng.uniform(0.4, 1.0))
        y, x = rng.integers(0, h - s + 1), rng.integers(0, w - s + 1)
        out.append(np.asarray(Image.fromarray(img[y:y + s, x:x + s]).resize((size, size), Image.BILINEAR)))
    return out


def save_png(path, rgb):
    from PIL import Image
    Image.fromarray(rgb).save(path)


def centre_square(a):
    h, w = a.shape[:2]
    s = min(h, w)
    return a[(h - s) // 2:(h - s) // 2 + s, (w - s) // 2:(w - s) // 2 + s]


def resize_disparity(d, size):
    """Area-average of the known disparities (0 = unknown) onto size², unknown where fewer than half are known.
    Disparity in pixels is f·B/z: depth up to a scale, all the evaluation's scale-invariant metrics need."""
    s = d.shape[0]
    edges = np.linspace(0, s, size + 1).round().astype(int)
    out = np.zeros((size, size), np.float32)
    for i in range(size):
        for j in range(size):
            blk = d[edges[i]:edges[i + 1], edges[j]:edges[j + 1]]
            ok = blk > 0
            if ok.mean() >= 0.5:
                out[i, j] = blk[ok].mean()
    return out


def write_dgd(path, rgbs, disps):
    """The generator's shard format (training/depth/gen/shards.ts)."""
    n, h, w = len(rgbs), rgbs[0].shape[0], rgbs[0].shape[1]
    with open(path, 'wb') as f:
        f.write(b'DGD1' + n.to_bytes(4, 'little') + w.to_bytes(2, 'little') + h.to_bytes(2, 'little') + (0).to_bytes(4, 'little'))
        f.write(np.stack(rgbs).astype(np.uint8).tobytes())
        f.write(np.stack(disps).astype('<f2').tobytes())


def real_pairs(root):
    from PIL import Image
    out = {}
    for name, (img_path, disp_path, kind) in REAL.items():
        rgb = load_rgb(os.path.join(root, img_path))
        if kind == 'npz':
            d = np.load(os.path.join(root, disp_path))['arr_0'].astype(np.float32)
        else:
            d = np.asarray(Image.open(os.path.join(root, disp_path))).astype(np.float32)
            if d.ndim == 3:
                d = d[..., 0]
        d[~np.isfinite(d)] = 0
        if d.shape != rgb.shape[:2]:
            raise ValueError(f'{name}: disparity {d.shape} and image {rgb.shape[:2]} differ')
        out[name] = (centre_square(rgb), centre_square(d))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--data', default=os.path.join(HERE, 'data'))
    ap.add_argument('--crops', type=int, default=6, help='128² crops per photograph')
    a = ap.parse_args()
    root = fetch(os.path.join(a.data, 'debs'))
    rng = np.random.default_rng(28)
    for folder, names, src in (('photo-bank', TRAIN_PHOTOS, SKIMAGE), ('eval-photos', EVAL_PHOTOS, OPENCV)):
        os.makedirs(os.path.join(a.data, folder), exist_ok=True)
        n = 0
        for name in names:
            path = os.path.join(root, src, name)
            if not os.path.exists(path):
                print(f'{folder}: {name} not in the package, skipped', file=sys.stderr)
                continue
            for k, c in enumerate(crops(load_rgb(path), 128, a.crops, rng)):
                save_png(os.path.join(a.data, folder, f'{os.path.splitext(name)[0]}-{k}.png'), c)
                n += 1
        print(f'{folder}: {n} crops')
    from PIL import Image
    os.makedirs(os.path.join(a.data, 'real'), exist_ok=True)
    pairs = real_pairs(root)
    for size in (96, 192):
        rgbs, disps = [], []
        for name, (rgb, d) in pairs.items():
            rgbs.append(np.asarray(Image.fromarray(rgb).resize((size, size), Image.BOX)))
            disps.append(resize_disparity(d, size))
            save_png(os.path.join(a.data, 'real', f'{name}-{size}.png'), rgbs[-1])
        write_dgd(os.path.join(a.data, 'real', f'real-{size}.dgd'), rgbs, disps)
        with open(os.path.join(a.data, 'real', 'names.txt'), 'w') as f:
            f.write('\n'.join(pairs) + '\n')
    print(f'real: {", ".join(pairs)} at 96² and 192²')


if __name__ == '__main__':
    main()
