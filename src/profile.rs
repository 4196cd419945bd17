//! The product profile a vendor submits and the district's vetting policy: their types (which
//! also generate the JSON Schemas) and their readers (which report every problem at its path).

use crate::error::Code;
use crate::error::{join, Error};
use crate::input::{Reader, MAX_ARRAY_LEN, MAX_TEXT_BYTES};
use crate::stats::{self, Attrition, Boundary, EffectInput};
use schemars::JsonSchema;
use serde_json::Value;

mod instruction;
pub use instruction::{
    overlap, subject_key, AdoptedCurriculum, Instruction, ScopedPractice, Strategy, Term,
};

/// US state, district and territory postal codes accepted for state-agency approvals.
pub const STATE_CODES: [&str; 56] = [
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA",
    "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM",
    "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA",
    "WV", "WI", "WY", "AS", "GU", "MP", "PR", "VI",
];

#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(
    title = "Product profile",
    description = "What a vendor states about an education-technology product."
)]
pub struct Profile {
    #[schemars(regex(pattern = r"\S"), length(max = MAX_TEXT_BYTES))]
    pub name: String,
    #[schemars(regex(pattern = r"\S"), length(max = MAX_TEXT_BYTES))]
    pub vendor: String,
    #[schemars(regex(pattern = r"^[Hh][Tt][Tt][Pp][Ss]?://[^\s/?#]+\S*$"))]
    pub homepage_url: Option<String>,
    #[schemars(length(max = MAX_ARRAY_LEN))]
    pub subjects: Vec<Subject>,
    /// Grades served; 0 is kindergarten.
    #[schemars(length(max = MAX_ARRAY_LEN))]
    pub grades: Vec<Grade>,
    /// The vendor's prescribed dose; a profile without one states no clear outcome.
    pub dosage: Option<Dosage>,
    #[schemars(length(max = MAX_ARRAY_LEN))]
    pub outcomes: Vec<OutcomeClaim>,
    #[schemars(length(max = MAX_ARRAY_LEN))]
    pub studies: Vec<Study>,
    #[schemars(regex(pattern = r"^[Hh][Tt][Tt][Pp][Ss]?://[^\s/?#]+\S*$"))]
    pub research_url: Option<String>,
    pub research_on_homepage: Option<bool>,
    #[schemars(length(max = MAX_ARRAY_LEN))]
    pub sea_approvals: Vec<SeaApproval>,
    pub training: Training,
    pub data_practices: DataPractices,
    pub ai: Option<Ai>,
    /// How the product teaches, for the `coherence` check against the district's strategy.
    pub instruction: Option<Instruction>,
}

#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[serde(transparent)]
pub struct Subject(#[schemars(regex(pattern = r"\S"), length(max = MAX_TEXT_BYTES))] pub String);

#[derive(Debug, Clone, Copy, PartialEq, JsonSchema, serde::Serialize)]
#[serde(transparent)]
pub struct Grade(#[schemars(range(min = 0, max = 12))] pub u8);

#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Dosage {
    #[schemars(extend("exclusiveMinimum" = 0), range(max = MINUTES_IN_A_WEEK))]
    pub minutes_per_week: f64,
    #[schemars(extend("exclusiveMinimum" = 0), range(max = MAX_DOSE_WEEKS))]
    pub weeks: f64,
    #[schemars(extend("exclusiveMinimum" = 0))]
    pub sessions_per_week: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, JsonSchema, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum OutcomeMetric {
    EffectSize,
    ScaleScoreGain,
    PercentMeetingTarget,
    PercentileGain,
}

#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OutcomeClaim {
    #[schemars(regex(pattern = r"\S"), length(max = MAX_TEXT_BYTES))]
    pub measure: String,
    pub metric: OutcomeMetric,
    pub value: f64,
    #[schemars(length(max = MAX_ARRAY_LEN))]
    pub grades: Option<Vec<Grade>>,
    /// The dose the outcome was measured at, which gives its growth per hour of use.
    pub dosage: Option<Dosage>,
}

impl OutcomeClaim {
    /// The hours of use behind the claim, when it states a dosage of at least a minute in all.
    pub fn hours(&self) -> Option<f64> {
        self.dosage
            .as_ref()
            .map(|d| d.minutes_per_week * d.weeks)
            .filter(|&minutes| minutes >= 1.0)
            .map(|minutes| minutes / 60.0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, JsonSchema, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum StudyDesign {
    Rct,
    ClusterRct,
    Qed,
    Correlational,
    LogicModel,
}

impl StudyDesign {
    pub fn is_randomized(self) -> bool {
        matches!(self, StudyDesign::Rct | StudyDesign::ClusterRct)
    }
}

/// Attrition as reported: fractions, or the counts they come from.
#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[serde(untagged, deny_unknown_fields)]
pub enum AttritionInput {
    Rates {
        #[schemars(range(min = 0.0, max = 1.0))]
        overall: f64,
        #[schemars(range(min = 0.0, max = 1.0))]
        differential: f64,
    },
    Counts {
        randomized: ArmCounts,
        analyzed: ArmCounts,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ArmCounts {
    #[schemars(range(min = 0))]
    pub intervention: u64,
    #[schemars(range(min = 0))]
    pub comparison: u64,
}

impl AttritionInput {
    pub fn rates(&self) -> Attrition {
        match *self {
            AttritionInput::Rates {
                overall,
                differential,
            } => Attrition {
                overall,
                differential,
            },
            AttritionInput::Counts {
                randomized: r,
                analyzed: a,
            } => Attrition::from_counts(
                r.intervention as f64,
                r.comparison as f64,
                a.intervention as f64,
                a.comparison as f64,
            ),
        }
    }
}

#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(extend(
    "if" = { "properties": { "design": { "not": { "const": "logicModel" } } } },
    "then" = { "required": ["sampleSize", "sites"] }
))]
pub struct Study {
    #[schemars(regex(pattern = r"\S"), length(max = MAX_TEXT_BYTES))]
    pub title: String,
    #[schemars(regex(pattern = r"^[Hh][Tt][Tt][Pp][Ss]?://[^\s/?#]+\S*$"))]
    pub url: Option<String>,
    pub design: StudyDesign,
    /// Run by a party with no financial tie to the vendor.
    pub independent: bool,
    /// Students analysed; required except for a logic model.
    #[schemars(range(min = 1))]
    pub sample_size: Option<u64>,
    /// Sites in the sample; required except for a logic model. A site is what `siteUnit` says
    /// (by default a school district, county, city, State or campus, as 34 CFR 77.1 lists them).
    #[schemars(range(min = 1))]
    pub sites: Option<u64>,
    /// What `sites` counts: `district` (the default; EDGAR's examples of a site) or `school`.
    pub site_unit: Option<SiteUnit>,
    /// The sites by name (district names or NCES ids), one per site: studies pooled toward the
    /// multi-site sample then count each site once. Without names, pooled studies count as many
    /// sites as the largest of them, since they may share their sites.
    #[schemars(length(max = MAX_ARRAY_LEN))]
    pub site_names: Option<Vec<String>>,
    /// The clusters (schools, classrooms) assigned to each condition; required for a cluster RCT
    /// unless `summary.clusters` gives them. One cluster in a condition is a confound.
    pub clusters: Option<ClusterCounts>,
    #[schemars(range(min = 0.0))]
    pub duration_weeks: Option<f64>,
    pub effect_size: Option<f64>,
    #[schemars(range(min = 0.0, max = 1.0))]
    pub p_value: Option<f64>,
    /// Group statistics, an `effectSize()` input: g and p are then computed the WWC way.
    #[serde(default)]
    #[schemars(schema_with = "effect_input_schema")]
    pub summary: Option<EffectInput>,
    /// For a cluster design that states `pValue`: the analysis accounted for clustering (a
    /// multilevel model, cluster-robust errors). Without it a stated p-value is not counted.
    pub analysis_accounts_for_clustering: Option<bool>,
    /// Several findings (outcome measures), instead of `effectSize`/`pValue`/`summary`: within
    /// each outcome domain their significance is corrected by Benjamini-Hochberg, as the WWC does.
    #[schemars(length(max = MAX_ARRAY_LEN))]
    pub findings: Option<Vec<Finding>>,
    pub attrition: Option<AttritionInput>,
    pub baseline_effect_size: Option<f64>,
    pub baseline_adjusted: Option<bool>,
    pub controls_for_selection: Option<bool>,
    pub ongoing: Option<bool>,
    pub covers_ai: Option<bool>,
}

/// One finding of a study: an outcome measure in an outcome domain, with its effect.
#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Finding {
    /// The outcome domain (such as "reading comprehension"): findings in one domain are corrected together.
    #[schemars(regex(pattern = r"\S"), length(max = MAX_TEXT_BYTES))]
    pub domain: String,
    #[schemars(regex(pattern = r"\S"), length(max = MAX_TEXT_BYTES))]
    pub measure: String,
    pub effect_size: Option<f64>,
    #[schemars(range(min = 0.0, max = 1.0))]
    pub p_value: Option<f64>,
    #[serde(default)]
    #[schemars(schema_with = "effect_input_schema")]
    pub summary: Option<EffectInput>,
}

/// What a study's `sites` count.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, JsonSchema, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "camelCase")]
pub enum SiteUnit {
    /// A school district, county, city, State or postsecondary campus (34 CFR 77.1).
    #[default]
    District,
    /// A school: counts as a site only where the policy says so.
    School,
}

/// The clusters assigned to each condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClusterCounts {
    #[schemars(range(min = 1))]
    pub intervention: u64,
    #[schemars(range(min = 1))]
    pub comparison: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, JsonSchema, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ApprovalStatus {
    Approved,
    Pending,
    Rejected,
    Expired,
}

#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeaApproval {
    pub state: StateCode,
    pub status: ApprovalStatus,
    #[schemars(range(min = FIRST_YEAR, max = LAST_YEAR))]
    pub year: Option<u16>,
}

/// A two-letter US postal code (states, DC and territories).
#[derive(Debug, Clone, PartialEq, Eq, JsonSchema, serde::Serialize)]
#[serde(transparent)]
pub struct StateCode(#[schemars(extend("enum" = STATE_CODES.as_slice()))] pub String);

#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Training {
    pub included: bool,
    #[schemars(range(min = 0, max = 9007199254740991i64))]
    pub fee_cents: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DataPractices {
    pub advertising_uses_student_data: bool,
    pub sells_student_data: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Ai {
    pub uses_generative_ai: bool,
}

/// The fewest students and sites ESSA's strong and moderate evidence allow (34 CFR 77.1,
/// "strong evidence" and "moderate evidence" (iii)(D)).
pub const ESSA_MIN_STUDENTS: u64 = 350;
/// The fewest sites, likewise.
pub const ESSA_MIN_SITES: u64 = 2;
/// The years a state approval may be dated.
pub const FIRST_YEAR: u64 = 1990;
/// The last year a state approval may be dated.
pub const LAST_YEAR: u64 = 2100;

/// The district's thresholds; every one configurable within what the law defines.
#[derive(Debug, Clone, PartialEq, JsonSchema, serde::Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[schemars(title = "Vetting policy")]
pub struct Policy {
    /// Screen time at or above this many minutes a week is a red flag.
    #[schemars(range(min = 0.0))]
    pub max_screen_minutes_per_week: f64,
    /// States whose approval counts; empty means any state.
    #[schemars(length(max = MAX_ARRAY_LEN))]
    pub accepted_states: Vec<StateCode>,
    /// Which WWC attrition boundary the ratings apply: `cautious` (default) or `optimistic`.
    pub attrition_boundary: Boundary,
    /// Students a study needs toward tiers 1 and 2 (ESSA's 350, or more).
    #[schemars(range(min = ESSA_MIN_STUDENTS))]
    pub min_students: u64,
    /// Sites a study needs toward tiers 1 and 2 (ESSA's 2, or more).
    #[schemars(range(min = ESSA_MIN_SITES))]
    pub min_sites: u64,
    /// The significance level (0.05, or stricter).
    #[schemars(extend("exclusiveMinimum" = 0), range(max = stats::DEFAULT_ALPHA))]
    pub alpha: f64,
    /// What counts as a site toward the multi-site sample of tiers 1 and 2: `district` (the
    /// default: 34 CFR 77.1 names a State, county, city, school district or campus) or `school`
    /// (a broader reading, which also counts studies whose sites are schools).
    pub site_unit: SiteUnit,
    /// The least effect (in standard deviations) an outcome claim must show per 10 hours of
    /// use, for `returnOnMinutes`; no default, since no published standard sets one.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend("exclusiveMinimum" = 0))]
    pub min_effect_size_per_10_hours: Option<f64>,
    /// The district's instructional strategy; without it, `coherence` is not checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub strategy: Option<Strategy>,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            max_screen_minutes_per_week: 45.0,
            accepted_states: Vec::new(),
            attrition_boundary: Boundary::Cautious,
            min_students: ESSA_MIN_STUDENTS,
            min_sites: ESSA_MIN_SITES,
            alpha: stats::DEFAULT_ALPHA,
            site_unit: SiteUnit::District,
            min_effect_size_per_10_hours: None,
            strategy: None,
        }
    }
}

fn effect_input_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let continuous = schemars::json_schema!({
        "type": "object", "additionalProperties": false, "required": ["n", "mean", "sd"],
        "properties": { "n": { "type": "integer", "minimum": 2 }, "mean": { "type": "number" },
                        "sd": { "type": "number", "exclusiveMinimum": 0 } }
    });
    let dichotomous = schemars::json_schema!({
        "type": "object", "additionalProperties": false, "required": ["n", "proportion"],
        "properties": { "n": { "type": "integer", "minimum": 2 },
                        "proportion": { "type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1 } }
    });
    let common = serde_json::json!({
        "lowerIsBetter": { "type": "boolean" },
        "clusters": { "type": "object", "additionalProperties": false, "required": ["intervention", "comparison"],
                      "properties": { "intervention": { "type": "integer", "minimum": 1 },
                                      "comparison": { "type": "integer", "minimum": 1 },
                                      "icc": { "type": "number", "minimum": 0, "exclusiveMaximum": 1 } } },
        "alpha": { "type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1 }
    });
    let arm = |kind: &str, group: &schemars::Schema| {
        let mut props = common.clone();
        props["kind"] = serde_json::json!({ "const": kind });
        props["intervention"] = group.clone().to_value();
        props["comparison"] = group.clone().to_value();
        serde_json::json!({ "type": "object", "additionalProperties": false,
                            "required": ["kind", "intervention", "comparison"], "properties": props })
    };
    schemars::json_schema!({
        "description": "Group statistics, as the effectSize() input.",
        "oneOf": [arm("continuous", &continuous), arm("dichotomous", &dichotomous)]
    })
}

// ---------------------------------------------------------------- readers

fn grade(r: &mut Reader, v: &Value, path: &str) -> Option<Grade> {
    r.grade(v, path).map(Grade)
}

fn state_code(r: &mut Reader, v: &Value, path: &str) -> Option<StateCode> {
    let s = r.string(v, path)?;
    let ok = STATE_CODES.contains(&s.as_str());
    r.check(
        ok,
        path,
        Code::InvalidState,
        "Expected a two-letter US state code in capitals, such as \"TX\".",
    )
    .then_some(StateCode(s))
}

fn at_least_one(r: &mut Reader, v: &Value, path: &str) -> Option<u64> {
    let n = r.count(v, path)?;
    r.check(
        n >= 1,
        path,
        Code::OutOfRange,
        "Expected a whole number of at least 1.",
    )
    .then_some(n)
}

/// A week's minutes: no dose can ask more.
pub const MINUTES_IN_A_WEEK: f64 = 10_080.0;
/// Ten school years of weeks: the longest dose accepted.
pub const MAX_DOSE_WEEKS: f64 = 520.0;

fn dosage(r: &mut Reader, v: &Value, path: &str) -> Option<Dosage> {
    let o = r.object(v, path, &["minutesPerWeek", "weeks", "sessionsPerWeek"])?;
    let at_most = |limit: f64, message: &'static str| {
        move |r: &mut Reader, v: &Value, p: &str| {
            let x = r.positive(v, p)?;
            r.check(x <= limit, p, Code::OutOfRange, message)
                .then_some(x)
        }
    };
    let minutes_per_week = r.req(
        o,
        path,
        "minutesPerWeek",
        at_most(
            MINUTES_IN_A_WEEK,
            "A week has 10,080 minutes: a dose cannot ask more.",
        ),
    );
    let weeks = r.req(
        o,
        path,
        "weeks",
        at_most(
            MAX_DOSE_WEEKS,
            "At most 520 weeks (ten years) are accepted.",
        ),
    );
    let sessions_per_week = r.opt(o, path, "sessionsPerWeek", Reader::positive);
    Some(Dosage {
        minutes_per_week: minutes_per_week?,
        weeks: weeks?,
        sessions_per_week,
    })
}

fn outcome(r: &mut Reader, v: &Value, path: &str) -> Option<OutcomeClaim> {
    let o = r.object(v, path, &["measure", "metric", "value", "grades", "dosage"])?;
    let measure = r.req(o, path, "measure", Reader::text);
    let metric = r.req(o, path, "metric", Reader::one_of);
    let value = r.req(o, path, "value", Reader::number);
    let grades = r.opt(o, path, "grades", |r, v, p| r.array(v, p, grade));
    let dosage = r.opt(o, path, "dosage", dosage);
    Some(OutcomeClaim {
        measure: measure?,
        metric: metric?,
        value: value?,
        grades,
        dosage,
    })
}

fn arm_counts(r: &mut Reader, v: &Value, path: &str) -> Option<ArmCounts> {
    let o = r.object(v, path, &["intervention", "comparison"])?;
    let intervention = r.req(o, path, "intervention", Reader::count);
    let comparison = r.req(o, path, "comparison", Reader::count);
    Some(ArmCounts {
        intervention: intervention?,
        comparison: comparison?,
    })
}

fn attrition(r: &mut Reader, v: &Value, path: &str) -> Option<AttritionInput> {
    if v.get("randomized").is_some() || v.get("analyzed").is_some() {
        let o = r.object(v, path, &["randomized", "analyzed"])?;
        let randomized = r.req(o, path, "randomized", arm_counts);
        let analyzed = r.req(o, path, "analyzed", arm_counts);
        let (rand, an) = (randomized?, analyzed?);
        let p = join(path, "analyzed");
        let ok = r.check(
            an.intervention <= rand.intervention && an.comparison <= rand.comparison,
            &p,
            Code::OutOfRange,
            "A group cannot analyse more students than it randomized.",
        ) & r.check(
            rand.intervention > 0 && rand.comparison > 0,
            &join(path, "randomized"),
            Code::OutOfRange,
            "Each group must have randomized at least one student.",
        );
        return ok.then_some(AttritionInput::Counts {
            randomized: rand,
            analyzed: an,
        });
    }
    let o = r.object(v, path, &["overall", "differential"])?;
    let overall = r.req(o, path, "overall", Reader::fraction);
    let differential = r.req(o, path, "differential", Reader::fraction);
    Some(AttritionInput::Rates {
        overall: overall?,
        differential: differential?,
    })
}

fn study(r: &mut Reader, v: &Value, path: &str) -> Option<Study> {
    let errors_before = r.errors.len();
    let o = r.object(
        v,
        path,
        &[
            "title",
            "url",
            "design",
            "independent",
            "sampleSize",
            "sites",
            "siteUnit",
            "siteNames",
            "clusters",
            "analysisAccountsForClustering",
            "durationWeeks",
            "effectSize",
            "pValue",
            "summary",
            "findings",
            "attrition",
            "baselineEffectSize",
            "baselineAdjusted",
            "controlsForSelection",
            "ongoing",
            "coversAi",
        ],
    )?;
    let title = r.req(o, path, "title", Reader::text);
    let url = r.opt(o, path, "url", Reader::url);
    let design = r.req(o, path, "design", Reader::one_of);
    let independent = r.req(o, path, "independent", Reader::boolean);
    let (sample_size, sites) = if design == Some(StudyDesign::LogicModel) {
        (
            r.opt(o, path, "sampleSize", at_least_one),
            r.opt(o, path, "sites", at_least_one),
        )
    } else {
        (
            r.req(o, path, "sampleSize", at_least_one),
            r.req(o, path, "sites", at_least_one),
        )
    };
    let site_unit = r.opt(o, path, "siteUnit", Reader::one_of);
    let site_names = r.opt(o, path, "siteNames", |r, v, p| r.array(v, p, Reader::text));
    let clusters = r.opt(o, path, "clusters", cluster_counts);
    let analysis_accounts_for_clustering =
        r.opt(o, path, "analysisAccountsForClustering", Reader::boolean);
    let duration_weeks = r.opt(o, path, "durationWeeks", Reader::non_negative);
    let effect_size = r.opt(o, path, "effectSize", Reader::number);
    let p_value = r.opt(o, path, "pValue", Reader::fraction);
    let summary = r.opt(o, path, "summary", EffectInput::read);
    let findings = r.opt(o, path, "findings", |r, v, p| {
        let list = r.array(v, p, finding)?;
        r.check(
            !list.is_empty(),
            p,
            Code::Empty,
            "List at least one finding, or leave findings out.",
        )
        .then_some(list)
    });
    let attrition = r.opt(o, path, "attrition", attrition);
    let baseline_effect_size = r.opt(o, path, "baselineEffectSize", Reader::number);
    let baseline_adjusted = r.opt(o, path, "baselineAdjusted", Reader::boolean);
    let controls_for_selection = r.opt(o, path, "controlsForSelection", Reader::boolean);
    let ongoing = r.opt(o, path, "ongoing", Reader::boolean);
    let covers_ai = r.opt(o, path, "coversAi", Reader::boolean);
    let read_cleanly = r.errors.len() == errors_before;
    let study = Study {
        title: title?,
        url,
        design: design?,
        independent: independent?,
        sample_size,
        sites,
        site_unit,
        site_names,
        clusters,
        analysis_accounts_for_clustering,
        duration_weeks,
        effect_size,
        p_value,
        summary,
        findings,
        attrition,
        baseline_effect_size,
        baseline_adjusted,
        controls_for_selection,
        ongoing,
        covers_ai,
    };
    // Rules between fields run on fields that read cleanly, so one bad field reports once.
    if read_cleanly {
        check_study(r, &study, path);
    }
    Some(study)
}

impl Study {
    /// The group statistics given, with their paths: the summary, or each finding's.
    pub fn summaries(&self) -> Vec<(String, &EffectInput)> {
        let mut out: Vec<(String, &EffectInput)> =
            self.summary.iter().map(|s| ("summary".into(), s)).collect();
        for (i, f) in self.findings.iter().flatten().enumerate() {
            if let Some(s) = &f.summary {
                out.push((format!("findings[{i}].summary"), s));
            }
        }
        out
    }

    /// Every statement of the clusters assigned to each condition: the study's, then each set of
    /// group statistics'.
    pub fn all_cluster_counts(&self) -> Vec<ClusterCounts> {
        let from_summaries = self.summaries().into_iter().filter_map(|(_, s)| {
            s.clusters.map(|c| ClusterCounts {
                intervention: c.intervention as u64,
                comparison: c.comparison as u64,
            })
        });
        self.clusters.into_iter().chain(from_summaries).collect()
    }

    /// A cluster design: clusters are stated, or the design is a cluster RCT.
    pub fn is_clustered(&self) -> bool {
        self.design == StudyDesign::ClusterRct || !self.all_cluster_counts().is_empty()
    }
}

/// Rules between a study's fields, checked once each field has been read.
fn check_study(r: &mut Reader, s: &Study, path: &str) {
    let shorthand = s.effect_size.is_some() || s.p_value.is_some() || s.summary.is_some();
    if s.findings.is_some() && shorthand {
        r.fail(
            &join(path, "findings"),
            Code::Inconsistent,
            "Give several findings, or one effect (effectSize, pValue or summary), not both.",
        );
    }
    let summaries = s.summaries();
    let stated = s
        .clusters
        .map(|c| (c.intervention as f64, c.comparison as f64));
    let mut first: Option<(f64, f64)> = stated;
    for (at, summary) in &summaries {
        let n = summary.intervention.n() + summary.comparison.n();
        if s.sample_size.is_some_and(|size| (size as f64) < n) {
            r.fail(
                &join(path, "sampleSize"),
                Code::Inconsistent,
                format!("The sample size is smaller than the {n} students analysed in {at}."),
            );
        }
        // Every statement of the clusters must agree: a finding cannot hide its own design.
        if let Some(c) = summary.clusters {
            let counts = (c.intervention, c.comparison);
            match first {
                Some(f) if f != counts => r.fail(
                    &join(path, &format!("{at}.clusters")),
                    Code::Inconsistent,
                    "These cluster counts differ from the study's other statement of its clusters.",
                ),
                _ => first = Some(counts),
            }
        }
    }
    if let (Some(names), Some(sites)) = (&s.site_names, s.sites) {
        if names.len() as u64 != sites {
            r.fail(
                &join(path, "siteNames"),
                Code::Inconsistent,
                format!("{} site names are given for {sites} sites.", names.len()),
            );
        }
    }
    // Without the clusters a cluster design's significance cannot be corrected, nor a
    // single-cluster confound ruled out (WWC Standards Handbook 5.0, confounding factors).
    if s.design == StudyDesign::ClusterRct && s.all_cluster_counts().is_empty() {
        r.fail(
            &join(path, "clusters"),
            Code::Required,
            "A cluster RCT must say how many clusters (schools, classrooms) were assigned to each condition.",
        );
    }
}

fn finding(r: &mut Reader, v: &Value, path: &str) -> Option<Finding> {
    let o = r.object(
        v,
        path,
        &["domain", "measure", "effectSize", "pValue", "summary"],
    )?;
    let domain = r.req(o, path, "domain", Reader::text);
    let measure = r.req(o, path, "measure", Reader::text);
    let effect_size = r.opt(o, path, "effectSize", Reader::number);
    let p_value = r.opt(o, path, "pValue", Reader::fraction);
    let summary = r.opt(o, path, "summary", EffectInput::read);
    Some(Finding {
        domain: domain?,
        measure: measure?,
        effect_size,
        p_value,
        summary,
    })
}

fn cluster_counts(r: &mut Reader, v: &Value, path: &str) -> Option<ClusterCounts> {
    let o = r.object(v, path, &["intervention", "comparison"])?;
    let intervention = r.req(o, path, "intervention", at_least_one);
    let comparison = r.req(o, path, "comparison", at_least_one);
    Some(ClusterCounts {
        intervention: intervention?,
        comparison: comparison?,
    })
}

fn approval(r: &mut Reader, v: &Value, path: &str) -> Option<SeaApproval> {
    let o = r.object(v, path, &["state", "status", "year"])?;
    let state = r.req(o, path, "state", state_code);
    let status = r.req(o, path, "status", Reader::one_of);
    let year = r.opt(o, path, "year", |r, v, p| {
        let y = r.count(v, p)?;
        r.check(
            (FIRST_YEAR..=LAST_YEAR).contains(&y),
            p,
            Code::OutOfRange,
            &format!("Expected a year from {FIRST_YEAR} to {LAST_YEAR}."),
        )
        .then_some(y as u16)
    });
    Some(SeaApproval {
        state: state?,
        status: status?,
        year,
    })
}

fn training(r: &mut Reader, v: &Value, path: &str) -> Option<Training> {
    let o = r.object(v, path, &["included", "feeCents"])?;
    let included = r.req(o, path, "included", Reader::boolean);
    let fee_cents = r.opt(o, path, "feeCents", Reader::cents);
    Some(Training {
        included: included?,
        fee_cents,
    })
}

fn data_practices(r: &mut Reader, v: &Value, path: &str) -> Option<DataPractices> {
    let o = r.object(v, path, &["advertisingUsesStudentData", "sellsStudentData"])?;
    let advertising = r.req(o, path, "advertisingUsesStudentData", Reader::boolean);
    let sells = r.opt(o, path, "sellsStudentData", Reader::boolean);
    Some(DataPractices {
        advertising_uses_student_data: advertising?,
        sells_student_data: sells,
    })
}

fn ai(r: &mut Reader, v: &Value, path: &str) -> Option<Ai> {
    let o = r.object(v, path, &["usesGenerativeAi"])?;
    Some(Ai {
        uses_generative_ai: r.req(o, path, "usesGenerativeAi", Reader::boolean)?,
    })
}

impl Profile {
    /// Reads a profile, recording every problem in `r`.
    pub(crate) fn read(r: &mut Reader, v: &Value) -> Option<Profile> {
        let o = r.object(
            v,
            "",
            &[
                "name",
                "vendor",
                "homepageUrl",
                "subjects",
                "grades",
                "dosage",
                "outcomes",
                "studies",
                "researchUrl",
                "researchOnHomepage",
                "seaApprovals",
                "training",
                "dataPractices",
                "ai",
                "instruction",
            ],
        )?;
        let name = r.req(o, "", "name", Reader::text);
        let vendor = r.req(o, "", "vendor", Reader::text);
        let homepage_url = r.opt(o, "", "homepageUrl", Reader::url);
        let subjects = r.req(o, "", "subjects", |r, v, p| {
            r.array(v, p, |r, v, p| r.text(v, p).map(Subject))
        });
        let grades = r.req(o, "", "grades", |r, v, p| r.array(v, p, grade));
        let dosage = r.opt(o, "", "dosage", dosage);
        let outcomes = r.req(o, "", "outcomes", |r, v, p| r.array(v, p, outcome));
        let studies = r.req(o, "", "studies", |r, v, p| r.array(v, p, study));
        let research_url = r.opt(o, "", "researchUrl", Reader::url);
        let research_on_homepage = r.opt(o, "", "researchOnHomepage", Reader::boolean);
        let sea_approvals = r.req(o, "", "seaApprovals", |r, v, p| r.array(v, p, approval));
        let training = r.req(o, "", "training", training);
        let data_practices = r.req(o, "", "dataPractices", data_practices);
        let ai = r.opt(o, "", "ai", ai);
        let instruction = r.opt(o, "", "instruction", instruction::instruction);
        Some(Profile {
            name: name?,
            vendor: vendor?,
            homepage_url,
            subjects: subjects?,
            grades: grades?,
            dosage,
            outcomes: outcomes?,
            studies: studies?,
            research_url,
            research_on_homepage,
            sea_approvals: sea_approvals?,
            training: training?,
            data_practices: data_practices?,
            ai,
            instruction,
        })
    }

    /// A valid profile, or `invalidProfile` listing every problem.
    pub fn from_json(v: &Value) -> Result<Profile, Error> {
        let mut r = Reader::new();
        let profile = Profile::read(&mut r, v);
        r.finish(profile, Code::InvalidProfile, "product profile")
    }
}

impl Policy {
    /// A policy with defaults for what is missing; `null` or absent means all defaults.
    pub fn from_json(v: Option<&Value>) -> Result<Policy, Error> {
        let Some(v) = v.filter(|v| !v.is_null()) else {
            return Ok(Policy::default());
        };
        let mut r = Reader::new();
        let policy = Policy::read(&mut r, v, "");
        r.finish(policy, Code::InvalidPolicy, "vetting policy")
    }

    /// Reads a policy at `path`, with defaults for what is missing, recording every problem in `r`.
    pub(crate) fn read(r: &mut Reader, v: &Value, path: &str) -> Option<Policy> {
        let d = Policy::default();
        let o = r.object(
            v,
            path,
            &[
                "maxScreenMinutesPerWeek",
                "acceptedStates",
                "attritionBoundary",
                "minStudents",
                "minSites",
                "alpha",
                "siteUnit",
                "minEffectSizePer10Hours",
                "strategy",
            ],
        )?;
        Some(Policy {
            max_screen_minutes_per_week: r
                .opt(o, path, "maxScreenMinutesPerWeek", Reader::non_negative)
                .unwrap_or(d.max_screen_minutes_per_week),
            accepted_states: r
                .opt(o, path, "acceptedStates", |r, v, p| {
                    r.array(v, p, state_code)
                })
                .unwrap_or_default(),
            attrition_boundary: r
                .opt(o, path, "attritionBoundary", Reader::one_of)
                .unwrap_or(d.attrition_boundary),
            // The ESSA tiers are defined in law: a policy may ask more of them, never less.
            min_students: r
                .opt(o, path, "minStudents", |r, v, p| {
                    let n = r.count(v, p)?;
                    r.check(n >= ESSA_MIN_STUDENTS, p, Code::OutOfRange,
                        "ESSA's strong and moderate evidence need at least 350 students (34 CFR 77.1); a policy may ask for more, not fewer.")
                        .then_some(n)
                })
                .unwrap_or(d.min_students),
            min_sites: r
                .opt(o, path, "minSites", |r, v, p| {
                    let n = r.count(v, p)?;
                    r.check(n >= ESSA_MIN_SITES, p, Code::OutOfRange,
                        "ESSA's strong and moderate evidence need more than one site (34 CFR 77.1); a policy may ask for more, not fewer.")
                        .then_some(n)
                })
                .unwrap_or(d.min_sites),
            alpha: r
                .opt(o, path, "alpha", |r, v, p| {
                    let a = stats::read_alpha(r, v, p)?;
                    r.check(a <= stats::DEFAULT_ALPHA, p, Code::OutOfRange,
                        "Statistical significance for the WWC and ESSA is a two-tailed test at 0.05; a policy may be stricter, not looser.")
                        .then_some(a)
                })
                .unwrap_or(d.alpha),
            site_unit: r.opt(o, path, "siteUnit", Reader::one_of).unwrap_or(d.site_unit),
            min_effect_size_per_10_hours: r.opt(o, path, "minEffectSizePer10Hours", Reader::positive),
            strategy: r.opt(o, path, "strategy", instruction::strategy),
        })
    }
}

/// The profile's JSON Schema (2020-12), generated from the types; the committed copy is what ships.
#[cfg(test)]
pub fn profile_schema() -> Value {
    schemars::schema_for!(Profile).to_value()
}

/// The policy's JSON Schema (2020-12), generated likewise.
#[cfg(test)]
pub fn policy_schema() -> Value {
    schemars::schema_for!(Policy).to_value()
}

#[cfg(test)]
mod schema_fields {
    use super::*;
    use serde_json::json;

    /// Each object the profile's readers read knows exactly the fields the committed schema
    /// declares there, with every optional part given (both shapes of attrition and of a
    /// summary).
    #[test]
    fn the_readers_know_the_schemas_fields() {
        let schema: Value =
            serde_json::from_str(include_str!("../schemas/product-profile.schema.json")).unwrap();
        let summary = |kind: &str| match kind {
            "continuous" => {
                json!({ "kind": "continuous", "intervention": { "n": 30, "mean": 1, "sd": 1 },
                "comparison": { "n": 30, "mean": 0, "sd": 1 }, "lowerIsBetter": false,
                "clusters": { "intervention": 5, "comparison": 5, "icc": 0.2 }, "alpha": 0.05 })
            }
            _ => json!({ "kind": "dichotomous", "intervention": { "n": 30, "proportion": 0.5 },
                "comparison": { "n": 30, "proportion": 0.4 } }),
        };
        let study = |attrition: Value, kind: &str| {
            json!({ "title": "T", "url": "https://r.example/", "design": "clusterRct", "independent": true,
                "sampleSize": 400, "sites": 2, "siteUnit": "school", "siteNames": ["A", "B"],
                "clusters": { "intervention": 5, "comparison": 5 }, "analysisAccountsForClustering": true,
                "durationWeeks": 20, "attrition": attrition, "baselineEffectSize": 0.1,
                "baselineAdjusted": true, "ongoing": false,
                "findings": [{ "domain": "reading", "measure": "m", "effectSize": 0.2, "pValue": 0.01,
                    "summary": summary(kind) }] })
        };
        let profile = json!({
            "name": "N", "vendor": "V", "homepageUrl": "https://v.example/", "subjects": ["reading"],
            "grades": [3], "dosage": { "minutesPerWeek": 30, "weeks": 20, "sessionsPerWeek": 2 },
            "outcomes": [{ "measure": "m", "metric": "effectSize", "value": 0.2, "grades": [3],
                "dosage": { "minutesPerWeek": 30, "weeks": 20, "sessionsPerWeek": 2 } }],
            "studies": [
                study(json!({ "overall": 0.1, "differential": 0.02 }), "continuous"),
                study(json!({ "randomized": { "intervention": 100, "comparison": 100 },
                    "analyzed": { "intervention": 90, "comparison": 95 } }), "dichotomous")
            ],
            "researchUrl": "https://v.example/research", "researchOnHomepage": true,
            "seaApprovals": [{ "state": "TX", "status": "approved", "year": 2025 }],
            "training": { "included": true, "feeCents": 0 },
            "dataPractices": { "advertisingUsesStudentData": false, "sellsStudentData": false },
            "ai": { "usesGenerativeAi": false },
            "instruction": { "approach": "a", "practices": ["p"], "standards": ["ccss"],
                "supplements": [{ "curriculum": "c", "evidenceUrl": "https://v.example/c" }] }
        });
        let mut r = Reader::new();
        let read = Profile::read(&mut r, &profile);
        assert_eq!(r.errors, []);
        assert!(read.is_some());
        let paths: Vec<&str> = r.objects.iter().map(|(p, _)| p.as_str()).collect();
        assert!(paths.contains(&"instruction.supplements[0]"), "{paths:?}");
        crate::input::tests::assert_fields_match_schema(&r, &schema);
    }
}
