// Facts both sides share (the page and the dream worker): backend names and renderer facts. Imports nothing from src.
export * from './backends';
