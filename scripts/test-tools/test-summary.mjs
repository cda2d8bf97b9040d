// Totals over the runners' reports: reports/vitest.json (Vitest JSON), reports/playwright.json
// (Playwright JSON), reports/pytest.xml (JUnit XML), reports/tsc.json (the type check, one test) and
// reports/layers.json (src/'s layer rules, one test per rule).
// A missing report is a problem, not zero.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export function summarise(dir) {
  const perRunner = {};
  const problems = [];
  const vitest = join(dir, 'vitest.json');
  if (existsSync(vitest)) {
    const j = JSON.parse(readFileSync(vitest, 'utf8'));
    // failed suites (a file that does not even load) count as failures too
    const failedSuites = (j.testResults ?? []).filter((s) => s.status === 'failed' && (s.assertionResults ?? []).length === 0).length;
    perRunner.vitest = { passed: j.numPassedTests ?? 0, failed: (j.numFailedTests ?? 0) + failedSuites };
    if ((j.numPendingTests ?? 0) + (j.numTodoTests ?? 0) > 0) problems.push(`vitest skipped ${j.numPendingTests + j.numTodoTests} tests`);
  } else problems.push('no Vitest report (reports/vitest.json)');

  const pw = join(dir, 'playwright.json');
  if (existsSync(pw)) {
    const s = JSON.parse(readFileSync(pw, 'utf8')).stats ?? {};
    perRunner.playwright = { passed: (s.expected ?? 0) + (s.flaky ?? 0), failed: s.unexpected ?? 0 };
    if ((s.skipped ?? 0) > 0) problems.push(`playwright skipped ${s.skipped} tests`);
  } else problems.push('no Playwright report (reports/playwright.json)');

  const py = join(dir, 'pytest.xml');
  if (existsSync(py)) {
    const xml = readFileSync(py, 'utf8');
    let tests = 0, failures = 0, errors = 0, skipped = 0;
    for (const m of xml.matchAll(/<testsuite\b([^>]*)>/g)) {
      const attr = (n) => Number((m[1].match(new RegExp(`\\b${n}="(\\d+)"`)) ?? [])[1] ?? 0);
      tests += attr('tests'); failures += attr('failures'); errors += attr('errors'); skipped += attr('skipped');
    }
    perRunner.pytest = { passed: tests - failures - errors - skipped, failed: failures + errors };
    if (skipped > 0) problems.push(`pytest skipped ${skipped} tests`);
  } else problems.push('no pytest report (reports/pytest.xml)');

  const tsc = join(dir, 'tsc.json');
  if (existsSync(tsc)) {
    const ok = JSON.parse(readFileSync(tsc, 'utf8')).ok === true;
    perRunner.tsc = { passed: ok ? 1 : 0, failed: ok ? 0 : 1 };
  } else problems.push('no type-check report (reports/tsc.json)');

  const layers = join(dir, 'layers.json');
  if (existsSync(layers)) {
    const j = JSON.parse(readFileSync(layers, 'utf8'));
    if (j.crashed) problems.push(`layer rules not checked: ${j.crashed.split('\n')[0]}`);
    const broken = (j.results ?? []).filter((t) => t.violations.length > 0).length;
    perRunner.layers = { passed: (j.results ?? []).length - broken, failed: broken };
  } else problems.push('no layer-rules report (reports/layers.json)');

  let passed = 0, failed = 0;
  for (const c of Object.values(perRunner)) { passed += c.passed; failed += c.failed; }
  // A runner that left no report, or skipped tests, counts as a failure in the closing line too (a crashed
  // Playwright once closed the run with "320 passed, 0 failed").
  failed += problems.length;
  return { passed, failed, perRunner, problems };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { passed, failed, problems } = summarise(process.argv[2] ?? 'reports');
  for (const p of problems) console.log(`problem: ${p}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed > 0 || passed === 0 || problems.length > 0 ? 1 : 0);
}
