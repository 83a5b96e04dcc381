//! The CSV that OULAD's files are written in: a header line, then one record per line, fields
//! separated by commas and optionally wrapped in double quotes (a doubled quote inside a quoted
//! field is one quote). Files may be gzip-compressed. Records never span lines in OULAD, so a
//! line is a record.

use anyhow::{Context, bail};
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// The fields of one line.
pub fn fields(line: &str) -> anyhow::Result<Vec<String>> {
    let mut out = Vec::new();
    let mut field = String::new();
    let (mut inside, mut was_quoted) = (false, false);
    let mut chars = line.trim_end_matches(['\r', '\n']).chars().peekable();
    while let Some(c) = chars.next() {
        if inside {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => inside = false,
                c => field.push(c),
            }
            continue;
        }
        match c {
            ',' => {
                out.push(std::mem::take(&mut field));
                was_quoted = false;
            }
            '"' if field.is_empty() && !was_quoted => (inside, was_quoted) = (true, true),
            c if was_quoted => bail!("{c:?} after a quoted field"),
            c => field.push(c),
        }
    }
    if inside {
        bail!("a quoted field is not closed");
    }
    out.push(field);
    Ok(out)
}

/// A file's records, each as its fields by header name, handed to `row` in file order.
/// `path` may end in `.gz`.
pub fn read(
    path: &Path,
    mut row: impl FnMut(&Record) -> anyhow::Result<()>,
) -> anyhow::Result<usize> {
    let file = File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let input: Box<dyn Read> = if path.extension().is_some_and(|e| e == "gz") {
        Box::new(flate2::read::GzDecoder::new(file))
    } else {
        Box::new(file)
    };
    let mut lines = BufReader::new(input).lines();
    let header = match lines.next() {
        Some(line) => fields(&line?)?,
        None => bail!("{} is empty", path.display()),
    };
    let columns: HashMap<String, usize> = header
        .into_iter()
        .enumerate()
        .map(|(i, name)| (name, i))
        .collect();
    let mut count = 0;
    for (number, line) in lines.enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let record = Record {
            columns: &columns,
            fields: fields(&line)?,
        };
        row(&record).with_context(|| format!("{} line {}", path.display(), number + 2))?;
        count += 1;
    }
    Ok(count)
}

/// One record, read by column name.
pub struct Record<'a> {
    columns: &'a HashMap<String, usize>,
    fields: Vec<String>,
}

impl Record<'_> {
    /// The text of `column` (empty for a missing value).
    pub fn text(&self, column: &str) -> anyhow::Result<&str> {
        let index = self
            .columns
            .get(column)
            .with_context(|| format!("no column {column}"))?;
        Ok(self.fields.get(*index).map_or("", String::as_str))
    }

    /// `column` as an integer, `None` when empty.
    pub fn int(&self, column: &str) -> anyhow::Result<Option<i64>> {
        let text = self.text(column)?.trim();
        if text.is_empty() {
            return Ok(None);
        }
        Ok(Some(text.parse().with_context(|| {
            format!("{column} is not an integer: {text:?}")
        })?))
    }

    /// `column` as an integer that must be there.
    pub fn required(&self, column: &str) -> anyhow::Result<i64> {
        self.int(column)?
            .with_context(|| format!("{column} is missing"))
    }
}

#[cfg(test)]
mod tests {
    use super::fields;

    #[test]
    fn quoted_and_bare_fields_and_empty_ones() {
        let got = fields(r#""AAA","2013J","11391","-159","""#).unwrap();
        assert_eq!(got, ["AAA", "2013J", "11391", "-159", ""]);
        assert_eq!(
            fields("AAA,2013J,28400,,4").unwrap(),
            ["AAA", "2013J", "28400", "", "4"]
        );
        assert_eq!(
            fields(r#""say ""hi""",x,"#).unwrap(),
            [r#"say "hi""#, "x", ""]
        );
        assert!(fields(r#""open"#).is_err());
    }
}
