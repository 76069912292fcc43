// The layers of src/, as import-x/no-restricted-paths zones (eslint.config.js; test/lint proves they bite).
const SUBSYSTEMS = ['auth', 'cache', 'ratelimit', 'upstream', 'audit'];
const TOP = ['./src/app.ts', './src/deps.ts', './src/main.ts', './src/cli'];
const ABOVE_SUBSYSTEMS = [...TOP, './src/http', './src/scans'];
const reason = (layer, rule) => `${layer} must not import from here: ${rule}`;
/** Each zone: files in `target` may not import from `from`. */
export const LAYER_ZONES = [
  {
    target: './src/platform',
    from: [
      ...ABOVE_SUBSYSTEMS,
      './src/store',
      './src/config.ts',
      './src/simulator',
      ...SUBSYSTEMS.map((s) => `./src/${s}`),
    ],
    message: reason('platform/', 'it is the bottom layer and imports nothing of the gateway'),
  },
  {
    target: ['./src/store', './src/config.ts'],
    from: [...ABOVE_SUBSYSTEMS, './src/simulator', ...SUBSYSTEMS.map((s) => `./src/${s}`)],
    message: reason('store/ and config', 'they sit below every subsystem'),
  },
  ...SUBSYSTEMS.map((name) => ({
    target: `./src/${name}`,
    from: [
      ...ABOVE_SUBSYSTEMS,
      './src/simulator',
      ...SUBSYSTEMS.filter((s) => s !== name).map((s) => `./src/${s}`),
    ],
    message: reason(`${name}/`, 'a subsystem knows neither HTTP, the use case nor its sibling subsystems'),
  })),
  {
    target: './src/scans',
    from: [...TOP, './src/http', './src/simulator'],
    message: reason('scans/', 'the use case knows nothing of HTTP'),
  },
  {
    target: './src/http',
    from: [...TOP, './src/simulator'],
    message: reason('http/', 'it is built by app.ts from parts passed in'),
  },
  {
    target: './src/simulator',
    from: [...ABOVE_SUBSYSTEMS, './src/store', ...SUBSYSTEMS.map((s) => `./src/${s}`)],
    message: reason('simulator/', 'it stands in for the vendor and shares only platform/'),
  },
];
