// validateProfile, vetProduct and schemas through the package; ajv checks that the JSON Schemas
// agree with the validator on every fixture.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import ec, { thrown } from './load.mjs';

const fixture = (name) => JSON.parse(fs.readFileSync(new URL(`../fixtures/profiles/${name}.json`, import.meta.url), 'utf8'));
const strong = fixture('strong');
const invalid = fixture('invalid');
const valid = ['strong', 'minimal', 'logic-model-ai'].map(fixture);

const ajv = new Ajv2020({ allErrors: true, strict: false });
const schemas = ec.schemas();
const validateSchema = ajv.compile(schemas.productProfile);
const validatePolicy = ajv.compile(schemas.policy);

test('schemas() returns JSON Schema 2020-12 documents for the profile and the policy', () => {
  assert.equal(schemas.productProfile.$schema, 'https://json-schema.org/draft/2020-12/schema');
  assert.equal(schemas.policy.$schema, 'https://json-schema.org/draft/2020-12/schema');
  assert.ok(schemas.productProfile.required.includes('vendor'));
  assert.equal(schemas.productProfile.additionalProperties, false);
});

test('every valid fixture passes validateProfile and the JSON Schema', () => {
  for (const profile of valid) {
    assert.deepEqual(ec.validateProfile(profile), { valid: true, errors: [] }, profile.name);
    assert.ok(validateSchema(profile), `${profile.name}: ${JSON.stringify(validateSchema.errors)}`);
  }
});

test('every invalid fixture is rejected by both, with the expected paths', () => {
  for (const c of invalid) {
    const profile = { ...strong, ...c.change };
    const r = ec.validateProfile(profile);
    assert.equal(r.valid, false, c.name);
    assert.deepEqual(r.errors.map((e) => [e.path, e.code]), c.errors, c.name);
    for (const e of r.errors) assert.match(e.message, /^[A-Z"].*[.?]$/, `a sentence: ${e.message}`);
    assert.equal(validateSchema(profile), false, `the schema accepts "${c.name}"`);
  }
});

test('policies: the schema and the reader agree', () => {
  const good = [{}, { maxScreenMinutesPerWeek: 30, acceptedStates: ['TX', 'CA'], attritionBoundary: 'optimistic', minStudents: 500, minSites: 3, alpha: 0.01, siteUnit: 'school' }];
  for (const p of good) assert.ok(validatePolicy(p));
  // The empty policy is the default; the strict one is applied: 40 minutes a week is past its
  // 30 (a red flag), and no study reaches a tier at p < 0.01 with 500 students in 3 schools.
  assert.deepEqual(ec.vetProduct(strong, good[0]), ec.vetProduct(strong));
  const strict = ec.vetProduct(strong, good[1]);
  assert.deepEqual([strict.checks.find((c) => c.id === 'screenTime').status, strict.essaTier, strict.verdict],
    ['fail', null, 'notRecommended']);
  // ESSA's floors: never fewer than 350 students or 2 sites, never a test looser than 0.05.
  const bad = [{ alpha: 1 }, { acceptedStates: ['Texas'] }, { attritionBoundary: 'lenient' }, { minStudents: -1 }, { maxScreen: 1 },
    { minStudents: 349 }, { minSites: 1 }, { alpha: 0.051 }, { siteUnit: 'state' }];
  for (const p of bad) {
    assert.equal(validatePolicy(p), false, JSON.stringify(p));
    assert.equal(thrown(() => ec.vetProduct(strong, p)).code, 'invalidPolicy', JSON.stringify(p));
  }
});

test('validateProfile never throws on bad content', () => {
  for (const junk of [undefined, null, 42, 'not json', '[]', [], { name: 1 }, new Uint8Array(3)]) {
    const r = ec.validateProfile(junk);
    assert.equal(r.valid, false, String(junk));
    assert.ok(r.errors.length > 0);
  }
  const r = ec.validateProfile({ ...strong, vender: 'x' });
  assert.deepEqual(r.errors[0].path, 'vender');
  assert.match(r.errors[0].message, /Did you mean "vendor"\?/);
});

test('vetProduct: the strong fixture is recommended with ESSA tier 1', () => {
  const v = ec.vetProduct(strong);
  assert.equal(v.verdict, 'recommended');
  assert.equal(v.redFlags, 0);
  assert.equal(v.essaTier, 1);
  assert.deepEqual(v.checks.map((c) => c.id), ['independentResearch', 'screenTime', 'seaApproval', 'clearOutcomes',
    'trainingIncluded', 'studentDataAdvertising', 'aiEvidence', 'unfavorableEvidence', 'returnOnMinutes']);
  assert.deepEqual(v.checks.filter((c) => c.redFlag).map((c) => c.id), ['independentResearch', 'screenTime', 'seaApproval', 'clearOutcomes']);
  assert.deepEqual(v.studies, [{ index: 0, rating: 'meetsWithoutReservations', g: 0.21, pValue: 0.01, significant: true,
    findings: [{ domain: null, measure: null, g: 0.21, pValue: 0.01, significant: true, favorable: true, analyzed: null, uncountedPValue: null }],
    essaTier: 1,
    reasons: ['Attrition 10.0% overall, 5.0 points differential: low against the 6.3-point boundary.'] }]);
});

test('vetProduct: the demo site\'s example profile and district policy, with and without a prohibited practice', () => {
  const site = (name) => JSON.parse(fs.readFileSync(new URL(`../../www/samples/${name}.json`, import.meta.url), 'utf8'));
  const profile = site('profile');
  const policy = site('policy');
  const v = ec.vetProduct(profile, policy);
  assert.equal(v.verdict, 'recommended');
  assert.deepEqual(v.checks.filter((c) => c.redFlag).map((c) => c.id), ['independentResearch', 'screenTime', 'seaApproval', 'clearOutcomes', 'coherence']);
  const coherence = v.checks.find((c) => c.id === 'coherence');
  assert.equal(coherence.status, 'pass');
  assert.equal(coherence.message, 'No practice the district prohibits is used. Evidence named: alignment to el-education (reading) at https://readwell.example/el-education-crosswalk; the required practice systematic-phonics; alignment to the ccss standards. The approach, in the vendor\'s words: "Short daily lessons in explicit, systematic phonics, practised in decodable texts."');
  // 0.21 SD over 40 x 24 / 60 = 16 hours: 0.13125 SD per 10 hours, above the policy's 0.05.
  const minutes = v.checks.find((c) => c.id === 'returnOnMinutes');
  assert.equal(minutes.status, 'pass');
  assert.match(minutes.message, /0\.21 SD over 16 hours of use \(40 minutes a week for 24 weeks\), 0\.131 SD per 10 hours\. The policy asks for at least 0\.05 SD per 10 hours\.$/);
  const cueing = { ...profile, instruction: { ...profile.instruction, practices: ['systematic-phonics', 'three-cueing'] } };
  const bad = ec.vetProduct(cueing, policy);
  assert.equal(bad.verdict, 'notRecommended');
  assert.equal(bad.redFlags, 1);
  assert.deepEqual(bad.checks.find((c) => c.id === 'coherence').paths, ['instruction.practices[1]']);
  // Without the strategy there is no coherence check, and the practice goes unjudged.
  assert.equal(ec.vetProduct(cueing).checks.some((c) => c.id === 'coherence'), false);
});

test('vetProduct: screen time at 45 is a red flag; 44.9 is not; the policy moves the line', () => {
  const at45 = ec.vetProduct({ ...strong, dosage: { minutesPerWeek: 45, weeks: 20 } });
  assert.equal(at45.verdict, 'notRecommended');
  assert.equal(at45.checks[1].status, 'fail');
  assert.equal(ec.vetProduct({ ...strong, dosage: { minutesPerWeek: 44.9, weeks: 20 } }).checks[1].status, 'pass');
  assert.equal(ec.vetProduct({ ...strong, dosage: { minutesPerWeek: 45, weeks: 20 } }, { maxScreenMinutesPerWeek: 50 }).verdict, 'recommended');
});

test('vetProduct: the logic-model fixture reaches tier 4 with its reasons', () => {
  const v = ec.vetProduct(fixture('logic-model-ai'));
  assert.equal(v.essaTier, 4);
  assert.match(v.essaRationale, /^Demonstrates a rationale \(tier 4\)/);
  assert.equal(v.redFlags, 2);
  assert.equal(v.studies[1].rating, 'meetsWithReservations');
  assert.equal(v.studies[1].significant, false);
});

test('vetProduct: an invalid profile throws invalidProfile with the same errors', () => {
  const profile = { ...strong, grades: [0, 13], vender: 'x' };
  const e = thrown(() => ec.vetProduct(profile));
  assert.equal(e.code, 'invalidProfile');
  assert.deepEqual(e.errors, ec.validateProfile(profile).errors);
  assert.match(e.message, /^The product profile is not valid: vender: .* \(and 1 more problem\)\.$/);
});
