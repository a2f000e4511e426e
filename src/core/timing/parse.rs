//! Readers of the measurement formats `timing ingest` and `timing check` take: OTLP JSON Lines
//! traces (the OpenTelemetry file exporter), git-audit's own JSON Lines, the conductor's log
//! lines, and the origin project's `log-analysis-*.json` reports. Bytes in, measurements out;
//! which format a file is in is detected from its content when `--input` does not say.

use std::fmt;

use serde_json::Value;

/// A measurement file's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Input {
    /// OTLP JSON Lines: `{"resourceSpans":[{"scopeSpans":[{"spans":[…]}]}]}` per line.
    Otlp,
    /// git-audit's JSON Lines: `{"sequence": "…", "beat": 2, "durationMs": 12.5}` per line.
    Jsonl,
    /// Conductor log lines: `Sequence "NAME" completed in Nms`, `Beat N (EVENT) completed in Nms`.
    Conductor,
    /// The origin's `log-analysis-*.json` report.
    LogAnalysis,
}

impl Input {
    /// Every format, in the order `--input` lists them.
    pub const ALL: &'static [Input] = &[
        Input::Otlp,
        Input::Jsonl,
        Input::Conductor,
        Input::LogAnalysis,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Input::Otlp => "otlp",
            Input::Jsonl => "jsonl",
            Input::Conductor => "conductor",
            Input::LogAnalysis => "log-analysis",
        }
    }

    pub fn parse(text: &str) -> Option<Input> {
        Input::ALL.iter().copied().find(|i| i.as_str() == text)
    }
}

impl fmt::Display for Input {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One duration read from a file, before it is mapped to a domain.
#[derive(Debug, Clone, PartialEq)]
pub struct Measurement {
    /// The sequence as the file names it (an id or a name; console styling not yet removed).
    pub sequence: String,
    /// The beat number, for a beat's duration; `None` for the whole sequence.
    pub beat: Option<String>,
    /// Milliseconds.
    pub ms: f64,
    /// 1-based line of the file it came from (1 for whole-document formats).
    pub line: usize,
}

/// What one file holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Read {
    pub input: Input,
    /// The run the file describes, when it says (a log-analysis report's source log): two
    /// reports of one run are one run, not two.
    pub run: Option<String>,
    pub measurements: Vec<Measurement>,
    /// Records that carry no usable duration for a sequence (spans without a sequence
    /// attribute, log lines of other kinds are not counted; unfinished executions are).
    pub ignored: usize,
}

/// Why a file could not be read as measurements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// 1-based line, when the problem has one.
    pub line: Option<usize>,
    pub message: String,
    pub hint: String,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

fn error(line: Option<usize>, message: impl Into<String>, hint: impl Into<String>) -> Error {
    Error {
        line,
        message: message.into(),
        hint: hint.into(),
    }
}

const INPUT_HINT: &str = "name the format with --input otlp|jsonl|conductor|log-analysis";

/// Which format `bytes` are in. A file that looks like none, or like more than one, is an
/// error that says so (`--input` settles it).
pub fn detect(bytes: &[u8]) -> Result<Input, Error> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| error(None, "not UTF-8 text", "measurement files are UTF-8 text"))?;
    let mut candidates = Vec::new();
    let trimmed = text.trim_start();
    // A whole JSON document that is an object with `sequences` and `file`: a log analysis.
    if trimmed.starts_with('{') {
        if let Ok(Value::Object(map)) = serde_json::from_str::<Value>(text) {
            if map.contains_key("sequences") && map.contains_key("file") {
                candidates.push(Input::LogAnalysis);
            }
            if map.contains_key("resourceSpans") {
                candidates.push(Input::Otlp);
            }
            if is_jsonl_record(&Value::Object(map)) {
                candidates.push(Input::Jsonl);
            }
        } else {
            // JSON Lines: judge by the first non-empty line.
            if let Some(first) = text.lines().find(|l| !l.trim().is_empty()) {
                if let Ok(v) = serde_json::from_str::<Value>(first) {
                    if v.get("resourceSpans").is_some() {
                        candidates.push(Input::Otlp);
                    }
                    if is_jsonl_record(&v) {
                        candidates.push(Input::Jsonl);
                    }
                }
            }
        }
    }
    if text
        .lines()
        .any(|l| conductor_sequence(l).is_some() || conductor_beat(l).is_some())
    {
        candidates.push(Input::Conductor);
    }
    candidates.sort();
    candidates.dedup();
    match candidates.as_slice() {
        [one] => Ok(*one),
        [] => Err(error(
            None,
            "not a measurement format git-audit reads (OTLP JSON Lines, git-audit JSON Lines, conductor log, log-analysis report)",
            INPUT_HINT,
        )),
        many => {
            let names: Vec<&str> = many.iter().map(|i| i.as_str()).collect();
            Err(error(
                None,
                format!("the format is ambiguous: it reads as {}", names.join(" and ")),
                INPUT_HINT,
            ))
        }
    }
}

fn is_jsonl_record(v: &Value) -> bool {
    v.get("sequence").is_some() && v.get("durationMs").is_some()
}

/// Reads `bytes` as `input`.
pub fn read(bytes: &[u8], input: Input) -> Result<Read, Error> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| error(None, "not UTF-8 text", "measurement files are UTF-8 text"))?;
    match input {
        Input::Otlp => otlp(text),
        Input::Jsonl => jsonl(text),
        Input::Conductor => Ok(conductor(text)),
        Input::LogAnalysis => log_analysis(text),
    }
}

/// Milliseconds rounded to the microsecond, so sums and conversions print the same everywhere.
pub fn round_ms(ms: f64) -> f64 {
    (ms * 1000.0).round() / 1000.0
}

fn usable(ms: f64) -> bool {
    ms.is_finite() && ms >= 0.0
}

// ---- OTLP ---------------------------------------------------------------------------------

/// Span attributes naming the sequence (id or name), first found wins.
pub const OTLP_SEQUENCE_KEYS: &[&str] = &["sequence.id", "sequence.name"];
/// Span attributes naming the beat number.
pub const OTLP_BEAT_KEYS: &[&str] = &["beat.number", "beat"];

fn otlp(text: &str) -> Result<Read, Error> {
    let mut out = Read {
        input: Input::Otlp,
        run: None,
        measurements: Vec::new(),
        ignored: 0,
    };
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(line).map_err(|e| {
            error(
                Some(n),
                format!("not JSON: {e}"),
                "the OTLP file exporter writes one JSON object per line",
            )
        })?;
        let Some(resources) = v.get("resourceSpans").and_then(Value::as_array) else {
            return Err(error(
                Some(n),
                "no `resourceSpans` array: not OTLP trace data",
                "the file must hold traces (TracesData), one object per line",
            ));
        };
        for resource in resources {
            let resource_attrs = resource
                .get("resource")
                .and_then(|r| r.get("attributes"))
                .and_then(Value::as_array);
            // `instrumentationLibrarySpans`: what exporters wrote before OTLP 0.15 renamed it.
            let scopes =
                array(resource, "scopeSpans").chain(array(resource, "instrumentationLibrarySpans"));
            for scope in scopes {
                for span in array(scope, "spans") {
                    let attrs = span.get("attributes").and_then(Value::as_array);
                    let find = |keys: &[&str]| {
                        keys.iter()
                            .find_map(|k| attribute(attrs, k))
                            .or_else(|| keys.iter().find_map(|k| attribute(resource_attrs, k)))
                    };
                    let Some(sequence) = find(OTLP_SEQUENCE_KEYS) else {
                        out.ignored += 1;
                        continue;
                    };
                    let (Some(start), Some(end)) = (
                        nanos(span.get("startTimeUnixNano")),
                        nanos(span.get("endTimeUnixNano")),
                    ) else {
                        out.ignored += 1;
                        continue;
                    };
                    if end < start {
                        out.ignored += 1;
                        continue;
                    }
                    let beat = OTLP_BEAT_KEYS.iter().find_map(|k| attribute(attrs, k));
                    out.measurements.push(Measurement {
                        sequence,
                        beat,
                        ms: round_ms((end - start) as f64 / 1_000_000.0),
                        line: n,
                    });
                }
            }
        }
    }
    Ok(out)
}

fn array<'v>(v: &'v Value, key: &str) -> impl Iterator<Item = &'v Value> {
    v.get(key).and_then(Value::as_array).into_iter().flatten()
}

/// An OTLP `KeyValue` list's value for `key`, as text (strings, and int64 as OTLP/JSON writes
/// it: a decimal string or a number).
fn attribute(attrs: Option<&Vec<Value>>, key: &str) -> Option<String> {
    let kv = attrs?
        .iter()
        .find(|kv| kv.get("key").and_then(Value::as_str) == Some(key))?;
    let value = kv.get("value")?;
    if let Some(s) = value.get("stringValue").and_then(Value::as_str) {
        return Some(s.to_string());
    }
    match value.get("intValue")? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A `fixed64` of nanoseconds: OTLP/JSON writes it as a decimal string; numbers are accepted.
fn nanos(v: Option<&Value>) -> Option<u128> {
    match v? {
        Value::String(s) => s.parse().ok(),
        Value::Number(n) => n.as_u64().map(u128::from),
        _ => None,
    }
}

// ---- git-audit JSON Lines -----------------------------------------------------------------

fn jsonl(text: &str) -> Result<Read, Error> {
    let mut out = Read {
        input: Input::Jsonl,
        run: None,
        measurements: Vec::new(),
        ignored: 0,
    };
    let hint = r#"each line is {"sequence": "<id or name>", "beat": <number, optional>, "durationMs": <number>}"#;
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(line)
            .map_err(|e| error(Some(n), format!("not JSON: {e}"), hint))?;
        let Some(sequence) = v.get("sequence").and_then(Value::as_str) else {
            return Err(error(
                Some(n),
                "`sequence` is missing or not a string",
                hint,
            ));
        };
        let Some(ms) = v
            .get("durationMs")
            .and_then(Value::as_f64)
            .filter(|m| usable(*m))
        else {
            return Err(error(
                Some(n),
                "`durationMs` is missing or not a non-negative number",
                hint,
            ));
        };
        let beat = match v.get("beat") {
            None | Some(Value::Null) => None,
            Some(Value::Number(b)) => Some(b.to_string()),
            Some(Value::String(b)) => Some(b.clone()),
            Some(_) => return Err(error(Some(n), "`beat` is not a number", hint)),
        };
        out.measurements.push(Measurement {
            sequence: sequence.to_string(),
            beat,
            ms: round_ms(ms),
            line: n,
        });
    }
    Ok(out)
}

// ---- conductor log ------------------------------------------------------------------------

/// `Sequence "NAME" completed in Nms` anywhere in a line: the name and the milliseconds.
fn conductor_sequence(line: &str) -> Option<(&str, f64)> {
    let at = line.find("Sequence \"")?;
    let rest = &line[at + "Sequence \"".len()..];
    let close = rest.find('"')?;
    let name = &rest[..close];
    let ms = completed_in(&rest[close + 1..])?;
    Some((name, ms))
}

/// `Beat N (EVENT) completed in Nms` anywhere in a line: the beat number and the milliseconds.
fn conductor_beat(line: &str) -> Option<(&str, f64)> {
    let at = line.find("Beat ")?;
    let rest = &line[at + "Beat ".len()..];
    let digits = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    if digits == 0 {
        return None;
    }
    let number = &rest[..digits];
    let rest = rest[digits..].trim_start();
    let rest = rest.strip_prefix('(')?;
    let close = rest.find(')')?;
    let ms = completed_in(&rest[close + 1..])?;
    Some((number, ms))
}

/// ` completed in 12.5ms` at the start of `rest` (spaces allowed before it).
fn completed_in(rest: &str) -> Option<f64> {
    let rest = rest.trim_start().strip_prefix("completed in")?.trim_start();
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    let ms: f64 = rest[..end].parse().ok()?;
    rest[end..].starts_with("ms").then_some(ms)
}

/// Beat lines come before their sequence's completion line: they are held until the next
/// `Sequence "NAME" completed` names the sequence they belong to. Beats no sequence claims by
/// the end of the file are counted as ignored.
fn conductor(text: &str) -> Read {
    let mut out = Read {
        input: Input::Conductor,
        run: None,
        measurements: Vec::new(),
        ignored: 0,
    };
    let mut pending: Vec<(String, f64, usize)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if let Some((name, ms)) = conductor_sequence(line) {
            for (beat, ms, line) in pending.drain(..) {
                out.measurements.push(Measurement {
                    sequence: name.to_string(),
                    beat: Some(beat),
                    ms: round_ms(ms),
                    line,
                });
            }
            out.measurements.push(Measurement {
                sequence: name.to_string(),
                beat: None,
                ms: round_ms(ms),
                line: n,
            });
        } else if let Some((beat, ms)) = conductor_beat(line) {
            pending.push((beat.to_string(), ms, n));
        }
    }
    out.ignored += pending.len();
    out
}

// ---- log-analysis reports -----------------------------------------------------------------

/// A log-analysis report: sequence durations from `sequences.executions[]` (`name`,
/// `durationMs`; an unfinished execution has `null` and is ignored), beat durations from
/// `sequences.details[NAME].beats` (`{"1": [ms, …]}`). Its `file` (the browser log it
/// analysed) names the run.
fn log_analysis(text: &str) -> Result<Read, Error> {
    let v: Value = serde_json::from_str(text).map_err(|e| {
        error(
            Some(e.line()),
            format!("not JSON: {e}"),
            "a log-analysis report is one JSON document",
        )
    })?;
    let Some(sequences) = v.get("sequences").filter(|s| s.is_object()) else {
        return Err(error(
            None,
            "no `sequences` object: not a log-analysis report",
            INPUT_HINT,
        ));
    };
    let mut out = Read {
        input: Input::LogAnalysis,
        run: v.get("file").and_then(Value::as_str).map(str::to_string),
        measurements: Vec::new(),
        ignored: 0,
    };
    for execution in array(sequences, "executions") {
        let name = execution.get("name").and_then(Value::as_str);
        let ms = execution
            .get("durationMs")
            .and_then(Value::as_f64)
            .filter(|m| usable(*m));
        match (name, ms) {
            (Some(name), Some(ms)) => out.measurements.push(Measurement {
                sequence: name.to_string(),
                beat: None,
                ms: round_ms(ms),
                line: 1,
            }),
            _ => out.ignored += 1,
        }
    }
    if let Some(details) = sequences.get("details").and_then(Value::as_object) {
        for (name, detail) in details {
            let Some(beats) = detail.get("beats").and_then(Value::as_object) else {
                continue;
            };
            for (beat, values) in beats {
                for ms in values.as_array().into_iter().flatten() {
                    match ms.as_f64().filter(|m| usable(*m)) {
                        Some(ms) => out.measurements.push(Measurement {
                            sequence: name.clone(),
                            beat: Some(beat.clone()),
                            ms: round_ms(ms),
                            line: 1,
                        }),
                        None => out.ignored += 1,
                    }
                }
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const OTLP: &str = r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"web"}}]},"scopeSpans":[{"scope":{"name":"conductor"},"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","parentSpanId":"","name":"sequence","kind":1,"startTimeUnixNano":"1544712660000000000","endTimeUnixNano":"1544712660012500000","attributes":[{"key":"sequence.id","value":{"stringValue":"copy-symphony"}}]},{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b175","parentSpanId":"eee19b7ec3c1b174","name":"beat","startTimeUnixNano":"1544712660000000000","endTimeUnixNano":"1544712660004000000","attributes":[{"key":"sequence.id","value":{"stringValue":"copy-symphony"}},{"key":"beat.number","value":{"intValue":"2"}}]},{"traceId":"x","spanId":"y","name":"http","startTimeUnixNano":"1","endTimeUnixNano":"2"}]}]}]}
"#;

    #[test]
    fn otlp_spans_with_a_sequence_attribute_become_measurements() {
        assert_eq!(detect(OTLP.as_bytes()), Ok(Input::Otlp));
        let r = read(OTLP.as_bytes(), Input::Otlp).unwrap();
        assert_eq!(r.measurements.len(), 2);
        assert_eq!(r.measurements[0].sequence, "copy-symphony");
        assert_eq!(r.measurements[0].beat, None);
        assert_eq!(r.measurements[0].ms, 12.5);
        assert_eq!(r.measurements[1].beat.as_deref(), Some("2"));
        assert_eq!(r.measurements[1].ms, 4.0);
        assert_eq!(r.ignored, 1, "the span without a sequence attribute");
        let old = OTLP.replace("scopeSpans", "instrumentationLibrarySpans");
        let r = read(old.as_bytes(), Input::Otlp).unwrap();
        assert_eq!(r.measurements.len(), 2);
        let e = read(b"{\"resourceLogs\": []}\n", Input::Otlp).unwrap_err();
        assert!(e.message.contains("resourceSpans"), "{e}");
    }

    #[test]
    fn jsonl_lines_and_their_errors() {
        let text = "{\"sequence\":\"a\",\"durationMs\":3.25}\n\n{\"sequence\":\"a\",\"beat\":1,\"durationMs\":1}\n";
        assert_eq!(detect(text.as_bytes()), Ok(Input::Jsonl));
        let r = read(text.as_bytes(), Input::Jsonl).unwrap();
        assert_eq!(r.measurements.len(), 2);
        assert_eq!(r.measurements[1].beat.as_deref(), Some("1"));
        assert_eq!(r.measurements[1].line, 3);
        let e = read(b"{\"sequence\":\"a\",\"durationMs\":-1}\n", Input::Jsonl).unwrap_err();
        assert_eq!(e.line, Some(1));
        assert!(e.message.contains("durationMs"), "{e}");
        let e = read(b"{\"sequence\":\"a\"\n", Input::Jsonl).unwrap_err();
        assert!(e.message.starts_with("not JSON"), "{e}");
    }

    #[test]
    fn conductor_beats_belong_to_the_sequence_that_completes_next() {
        let text = "12:00:01 🎵 Beat 1 (canvas:copy) completed in 2.5ms\n\
                    noise\n\
                    12:00:01 🎵 Beat 2 (canvas:notify) completed in 1ms\n\
                    ✅ SequenceExecutor: Sequence \"Canvas Copy\" completed in 5ms\n\
                    Beat 9 (x) completed in 1ms\n";
        assert_eq!(detect(text.as_bytes()), Ok(Input::Conductor));
        let r = read(text.as_bytes(), Input::Conductor).unwrap();
        let got: Vec<(&str, Option<&str>, f64)> = r
            .measurements
            .iter()
            .map(|m| (m.sequence.as_str(), m.beat.as_deref(), m.ms))
            .collect();
        assert_eq!(
            got,
            [
                ("Canvas Copy", Some("1"), 2.5),
                ("Canvas Copy", Some("2"), 1.0),
                ("Canvas Copy", None, 5.0)
            ]
        );
        assert_eq!(r.ignored, 1, "a beat no sequence claimed");
        assert_eq!(conductor_beat("Beat x (e) completed in 1ms"), None);
        assert_eq!(conductor_sequence("Sequence \"a\" completed in 3s"), None);
    }

    #[test]
    fn log_analysis_reads_executions_and_beats_and_names_its_run() {
        let text = r#"{"file": "C:\\logs\\run-1.log", "sequences": {"registered": 1,
            "executions": [{"name": "Library Load", "durationMs": 78},
                           {"name": "Library Load", "durationMs": null}],
            "details": {"Library Load": {"count": 1, "beats": {"1": [35.5, 23.6], "2": [31.5]}}}}}"#;
        assert_eq!(detect(text.as_bytes()), Ok(Input::LogAnalysis));
        let r = read(text.as_bytes(), Input::LogAnalysis).unwrap();
        assert_eq!(r.run.as_deref(), Some("C:\\logs\\run-1.log"));
        assert_eq!(r.measurements.len(), 4);
        assert_eq!(r.ignored, 1, "the unfinished execution");
        assert_eq!(
            r.measurements.iter().filter(|m| m.beat.is_none()).count(),
            1
        );
    }

    #[test]
    fn detection_refuses_the_unknown_and_the_ambiguous() {
        let e = detect(b"hello\n").unwrap_err();
        assert!(e.message.contains("not a measurement format"), "{e}");
        assert!(e.hint.contains("--input"));
        // A JSON Lines record whose sequence name reads like a conductor line.
        let both = "{\"sequence\":\"Beat 1 (x) completed in 2ms\",\"durationMs\":3}\n";
        let e = detect(both.as_bytes()).unwrap_err();
        assert!(e.message.contains("ambiguous"), "{e}");
        assert!(e.message.contains("jsonl and conductor"), "{e}");
        assert!(detect(&[0xff, 0xfe]).is_err());
    }
}
