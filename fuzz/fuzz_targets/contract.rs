//! Any text as a contract, evaluated on a small roster with every optional column.
#![no_main]
use libfuzzer_sys::fuzz_target;

const ROSTER: &[u8] = b"student_id,pre,post,minutes,weeks,grade,group,school\n\
A,100,120,600,20,3,T,X\nB,100,90,300,20,K,T,Y\nC,100,,600,20,4,C,X\nD,90,110,0,10,3,C,Y\nE,80,95,900,30,4,T,Y\n";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(v) = evidence_check::parse_json(text, evidence_check::Code::InvalidContract, "contract") {
        let _ = evidence_check::evaluate_json(&v, ROSTER, &mut |_| {});
    }
});
