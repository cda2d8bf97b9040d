export { Hud, type MessageLevel } from './hud';
