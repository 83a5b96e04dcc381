//! Decoding the read models' id columns, which both backends store as text: a value that does
//! not parse is an error naming the column and the value, never a default.

use sqlx::Row;
use sqlx::any::AnyRow;
use uuid::Uuid;

/// The id in `column`.
pub fn uuid(row: &AnyRow, column: &str) -> Result<Uuid, sqlx::Error> {
    parse(column, &row.try_get::<String, _>(column)?)
}

/// The id in `column`, if it is set.
pub fn opt_uuid(row: &AnyRow, column: &str) -> Result<Option<Uuid>, sqlx::Error> {
    row.try_get::<Option<String>, _>(column)?
        .map(|text| parse(column, &text))
        .transpose()
}

fn parse(column: &str, text: &str) -> Result<Uuid, sqlx::Error> {
    Uuid::parse_str(text).map_err(|e| sqlx::Error::ColumnDecode {
        index: column.to_owned(),
        source: format!("{text:?} is not an id: {e}").into(),
    })
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn a_malformed_id_is_an_error_that_names_the_column() {
        let error = parse("tier_id", "not-a-uuid").unwrap_err().to_string();
        assert!(
            error.contains("tier_id") && error.contains("not-a-uuid"),
            "{error}"
        );
    }

    #[test]
    fn a_well_formed_id_parses() {
        let id = "0192f0c4-5d3c-7e44-9f20-7c8d9e0f1a2b";
        assert_eq!(parse("id", id).unwrap().to_string(), id);
    }
}
