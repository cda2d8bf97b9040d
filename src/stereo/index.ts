export * from './calibration';
export * from './modes';
