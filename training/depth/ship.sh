#!/usr/bin/env bash
# Ship a checkpoint: export → eval:depth (updates docs/depth and the model card's metrics) → depth tests
# → commit only the depth outputs. Usage (repo root):
#   training/depth/ship.sh training/depth/runs/branch/ckpt-last.pt            # raw weights
#   training/depth/ship.sh training/depth/runs/main/ckpt-last.pt --ema --recalibrate
# Pick the checkpoint and flags with training/depth/validate.py first.
set -euo pipefail
ckpt="$1"; shift
snap="$(mktemp /tmp/depth-ckpt-XXXXXX.pt)"
cp "$ckpt" "$snap"   # the trainer may replace ckpt-last.pt while we work
OMP_NUM_THREADS=1 /usr/bin/python3 training/depth/export.py --ckpt "$snap" "$@"
npm run -s eval:depth | tee /tmp/depth-eval.txt
npx vitest run tests/unit/depth tests/unit/training
step=$(/usr/bin/python3 -c "import json;print(json.load(open('models/depth/model.json'))['trainingStep'])")
summary=$(/usr/bin/python3 -c "
import json; e = json.load(open('docs/depth/eval.json')); r = e['results']
print(f\"AbsRel {r['net']['absRel']:.3f} vs vertical prior {r['vertical']['absRel']:.3f}, positive scale {100 * r['net']['positiveScale']:.1f} %\")")
while [ -e .git/index.lock ]; do sleep 1; done
git add models/depth tests/unit/depth/fixtures docs/depth
git commit -m "Depth: weights from step $step (eval seed 9001: $summary)"
rm -f "$snap"
