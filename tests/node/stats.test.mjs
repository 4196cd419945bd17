// effectSize and minimumDetectableEffect through the package. Expected values: by hand from
// the WWC handbook formulas (g = 0.8) or with scipy.stats on the same formulas (see src/stats/tests.rs).
import test from 'node:test';
import assert from 'node:assert/strict';
import ec, { thrown } from './load.mjs';

const near = (actual, expected, tol = 1e-6) =>
  assert.ok(Math.abs(actual - expected) < tol, `expected ${expected}, got ${actual}`);

test('effectSize: groups (5,6,7) vs (4,5,6) give g = 0.8', () => {
  const r = ec.effectSize({ kind: 'continuous', intervention: { n: 3, mean: 6, sd: 1 }, comparison: { n: 3, mean: 5, sd: 1 } });
  near(r.g, 0.8);
  near(r.omega, 0.8);
  near(r.se, Math.sqrt(0.72));
  near(r.t, 0.9428090415820635); // g / SE
  near(r.pValue, 0.3991616175432795); // scipy: 2 t.sf(0.9428, 4)
  near(r.ciLower, -1.5558917937730683); // g - t.ppf(0.975, 4) SE
  assert.equal(r.df, 4);
  assert.equal(r.improvementIndex, 29);
  assert.equal(r.significant, false);
  assert.equal(r.favorable, true);
  assert.equal(r.clusterCorrected, false);
  assert.equal(r.nIntervention, 3);
  assert.deepEqual(Object.keys(r).sort(), ['ciLower', 'ciUpper', 'clusterCorrected', 'df', 'favorable', 'g', 'improvementIndex',
    'nComparison', 'nIntervention', 'notes', 'omega', 'pValue', 'se', 'significant', 't'].sort());
  assert.deepEqual(r.notes, []);
});

test('effectSize: Cox index, lower-is-better and clustering', () => {
  const cox = ec.effectSize({ kind: 'dichotomous', intervention: { n: 100, proportion: 0.6 }, comparison: { n: 100, proportion: 0.5 } });
  near(cox.g, 0.2448044325857054);
  assert.equal(cox.improvementIndex, 10);
  const lower = ec.effectSize({ kind: 'dichotomous', intervention: { n: 100, proportion: 0.6 }, comparison: { n: 100, proportion: 0.5 }, lowerIsBetter: true });
  near(lower.g, 0.2448044325857054);
  assert.equal(lower.improvementIndex, -10);
  assert.equal(lower.favorable, false);
  const clustered = ec.effectSize({ kind: 'continuous', intervention: { n: 200, mean: 0.3, sd: 1 }, comparison: { n: 200, mean: 0, sd: 1 },
    clusters: { intervention: 10, comparison: 10, icc: 0.2 } });
  near(clustered.g, 0.2961588900894072); // cluster-adjusted: omega_h d sqrt(gamma)
  near(clustered.se, 0.21952063631403854);
  near(clustered.df, 231.65758754863802);
  near(clustered.pValue, 0.17861674536595257);
  assert.equal(clustered.clusterCorrected, true);
  assert.ok(clustered.ciLower < 0 && clustered.ciUpper > 0, 'the interval agrees with p > 0.05');
});

test('effectSize: yes/no outcomes use the log odds ratio\'s own standard error', () => {
  // 27/30 vs 21/30: SE 0.435 and p 0.069 (chi-square 0.053, Fisher 0.104), not 0.003.
  const r = ec.effectSize({ kind: 'dichotomous', intervention: { n: 30, proportion: 0.9 }, comparison: { n: 30, proportion: 0.7 } });
  near(r.g, 0.8075122431178688);
  near(r.se, 0.4351189730535333);
  near(r.pValue, 0.06855899197415953);
  assert.equal(r.significant, false);
  const b = ec.effectSize({ kind: 'dichotomous', intervention: { n: 100, proportion: 0.55 }, comparison: { n: 100, proportion: 0.41 } });
  near(b.pValue, 0.049670810853232696); // chi-square 0.048
});

test('effectSize: one cluster per arm is reported as a confound; degenerate spreads are a typed error', () => {
  const r = ec.effectSize({ kind: 'continuous', intervention: { n: 200, mean: 105, sd: 15 }, comparison: { n: 200, mean: 100, sd: 15 },
    clusters: { intervention: 1, comparison: 1 } });
  near(r.pValue, 0.6416017344120142);
  assert.match(r.notes[0], /n = 1 confound/);
  const e = thrown(() => ec.effectSize({ kind: 'continuous', intervention: { n: 30, mean: 5, sd: 1e-300 }, comparison: { n: 30, mean: 5, sd: 1e-300 } }));
  assert.equal(e.code, 'degenerateStatistics');
  assert.match(e.message, /no usable spread/);
});

test('effectSize: bad inputs throw the typed error with paths', () => {
  const cases = [
    [{ kind: 'continuous', intervention: { n: 5, mean: 1, sd: 0 }, comparison: { n: 5, mean: 1, sd: 1 } }, 'intervention.sd', 'outOfRange'],
    [{ kind: 'dichotomous', intervention: { n: 5, proportion: 0 }, comparison: { n: 5, proportion: 0.5 } }, 'intervention.proportion', 'outOfRange'],
    [{ kind: 'continuous', intervention: { n: 5, mean: NaN, sd: 1 }, comparison: { n: 5, mean: 1, sd: 1 } }, 'intervention.mean', 'notFinite'],
    [{ kind: 'continuous', intervention: { n: 5, mean: Infinity, sd: 1 }, comparison: { n: 5, mean: 1, sd: 1 } }, 'intervention.mean', 'notFinite'],
    [{ kind: 'median', intervention: {}, comparison: {} }, 'kind', 'invalidValue'],
    [{ kind: 'continuous', intervention: { n: 5, mean: 1, sd: 1 }, comparison: { n: 5, mean: 1, sd: 1 }, clusters: { intervention: 9, comparison: 1 } }, 'clusters.intervention', 'outOfRange'],
    [{ kind: 'continuous', intervention: { n: 5, mean: 1, sd: 1 }, comparison: { n: 5, mean: 1, sd: 1 }, clusters: { intervention: 1, comparison: 1, icc: 1 } }, 'clusters.icc', 'outOfRange'],
    [{ kind: 'continuous', intervention: { n: 5, mean: 1, sd: 1 }, comparison: { n: 5, mean: 1, sd: 1 }, extra: 1 }, 'extra', 'unknownField'],
  ];
  for (const [input, path, code] of cases) {
    const e = thrown(() => ec.effectSize(input));
    assert.equal(e.code, 'invalidInput', JSON.stringify(input));
    assert.ok(e.errors.some((x) => x.path === path && x.code === code), `${path} ${code} in ${JSON.stringify(e.errors)}`);
  }
  const zero = thrown(() => ec.effectSize({ kind: 'dichotomous', intervention: { n: 5, proportion: 1 }, comparison: { n: 5, proportion: 0.5 } }));
  assert.match(zero.errors[0].message, /infinite/);
});

test('minimumDetectableEffect: 350 students about 0.300; 20 schools of 50 about 0.616', () => {
  const ind = ec.minimumDetectableEffect({ design: 'individual', n: 350 });
  near(ind.mdes, 0.3003438596347091);
  near(ind.multiplier, 2.809459552436013);
  assert.equal(ind.df, 348);
  const cl = ec.minimumDetectableEffect({ design: 'cluster', clusters: 20, clusterSize: 50, icc: 0.2 });
  near(cl.mdes, 0.6158418969592564);
  near(cl.standardError, 0.20784609690826528);
  assert.equal(cl.df, 18);
});

test('minimumDetectableEffect: covariates take degrees of freedom; huge samples return at once', () => {
  // PowerUp!: 6 schools of 25, ICC 0.2, R2 (level 2) 0.6, one school-level covariate: df 3, MDES 1.137.
  const r = ec.minimumDetectableEffect({ design: 'cluster', clusters: 6, clusterSize: 25, icc: 0.2, r2Level2: 0.6, covariates: 1 });
  assert.equal(r.df, 3);
  near(r.mdes, 1.1369794190984963);
  const big = ec.minimumDetectableEffect({ design: 'individual', n: 30000000 });
  near(big.multiplier, 2.8015853091700493);
  near(ec.minimumDetectableEffect({ design: 'individual', n: 1e9 }).multiplier, 2.8015852208446805);
  assert.equal(thrown(() => ec.minimumDetectableEffect({ design: 'individual', n: 1e9 + 1 })).errors[0].path, 'n');
  assert.equal(thrown(() => ec.minimumDetectableEffect({ design: 'cluster', clusters: 4, clusterSize: 25, icc: 0.2, covariates: 2 })).errors[0].path, 'clusters');
});

test('minimumDetectableEffect: bad inputs', () => {
  assert.equal(thrown(() => ec.minimumDetectableEffect({ design: 'individual', n: 2 })).errors[0].path, 'n');
  assert.equal(thrown(() => ec.minimumDetectableEffect({ design: 'cluster', clusters: 20, clusterSize: 50 })).errors[0].path, 'icc');
  assert.equal(thrown(() => ec.minimumDetectableEffect({ design: 'stepped' })).errors[0].code, 'invalidValue');
  assert.equal(thrown(() => ec.minimumDetectableEffect(42)).errors[0].code, 'wrongType');
});
