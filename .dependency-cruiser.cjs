// The layers of src/ (ARCHITECTURE.md) as rules, checked by `npm run test:layers` inside `npm test`.
// Render side: xr, stereo, gaze, ui, app (the page). Engines: dream, depth, model, tf (the worker). Leaf: platform.
// Each rule is one test in the closing line; tests/unit/scripts/layers.test.ts proves each one catches what it forbids.
const RENDER = '^src/(xr|stereo|gaze|ui|app)/';
const ENGINES = '^src/(dream|depth|model|tf)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'An import circle makes load order matter and the pieces impossible to test alone.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'render-side-without-tfjs',
      comment: 'The page never loads TF.js or the engines that use it, not even through another module: they run in the dream worker.',
      severity: 'error',
      from: { path: RENDER },
      to: { path: ['^node_modules/@tensorflow/', '^src/(tf|model|depth)/'], reachable: true },
    },
    {
      name: 'render-side-uses-the-dream-contract',
      comment: 'The page talks to the dream through src/dream/index.ts (client, protocol, recipes, pace, level geometry).',
      severity: 'error',
      from: { path: RENDER },
      to: { path: '^src/dream/', pathNot: '^src/dream/index\\.ts$' },
    },
    {
      name: 'engines-without-the-page',
      comment: 'The dream, depth, model and tf layers run in a worker and in Node: no three.js scene, no DOM UI.',
      severity: 'error',
      from: { path: ENGINES },
      to: { path: [RENDER, '^src/main\\.ts$', '^node_modules/(three|lil-gui|iwer)/'] },
    },
    {
      name: 'folders-through-their-index',
      comment: 'A folder exposes its contract in index.ts; other folders import that, not its files.',
      severity: 'error',
      from: { path: '^src/([^/]+)/' },
      to: { path: '^src/[^/]+/', pathNot: ['^src/$1/', '^src/[^/]+/index\\.ts$'] },
    },
    {
      name: 'platform-is-a-leaf',
      comment: 'src/platform holds facts both sides share (backend names, renderer facts); it depends on nothing in src.',
      severity: 'error',
      from: { path: '^src/platform/' },
      to: { path: '^src/', pathNot: '^src/platform/' },
    },
    {
      name: 'only-main-wires',
      comment: 'main.ts connects the layers; nothing imports it.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^src/main\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^(src|node_modules)/',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'] },
    moduleSystems: ['es6', 'cjs'],
  },
};
