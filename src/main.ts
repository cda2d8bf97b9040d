// Wiring only: each folder under src/ owns one concern.
document.getElementById('app')!.textContent = 'dream-goggles';
