//! GraphQL errors as Lyceum sends them outside resolvers: each with a stable code in
//! `extensions.code` (with `status` and `request_id`, like every resolver error, see
//! [`super::gql`]), and a message of at most [`MAX_MESSAGE`] characters, so that no error
//! echoes a large request back.

use super::gql;
use crate::error::{ApiError, codes};
use actix_web::HttpResponse;
use async_graphql::ServerError;
use lyceum_domain::Code;

/// The longest error message sent, in characters.
pub const MAX_MESSAGE: usize = 200;

/// `message`, cut to [`MAX_MESSAGE`] characters (on a character boundary, ending in `…` when
/// cut).
pub fn bounded(message: &str) -> String {
    match message.char_indices().nth(MAX_MESSAGE) {
        None => message.to_owned(),
        Some(_) => {
            let end = message
                .char_indices()
                .nth(MAX_MESSAGE - 1)
                .map_or(message.len(), |(at, _)| at);
            format!("{}…", &message[..end])
        }
    }
}

/// An error with `code` and `message`, at no position in the document.
pub fn error(code: Code, message: &str) -> ServerError {
    let coded = gql(ApiError::new(code, bounded(message)));
    let mut error = ServerError::new(coded.message, None);
    error.extensions = coded.extensions;
    error
}

/// `error` with its message bounded, and with `code` unless it has a code already.
pub fn with_code(mut error: ServerError, code: Code) -> ServerError {
    let has_code = error
        .extensions
        .as_ref()
        .is_some_and(|extensions| extensions.get("code").is_some());
    if has_code {
        error.message = bounded(&error.message);
    } else {
        let coded = self::error(code, &error.message);
        error.message = coded.message;
        error.extensions = coded.extensions;
    }
    error
}

/// An HTTP answer carrying only `error`, as `application/json` with the status of its code:
/// for a request refused before it is a GraphQL request (its body too large, not JSON, a batch).
pub fn response(code: Code, message: &str) -> HttpResponse {
    let body = serde_json::json!({ "errors": [error(code, message)] });
    HttpResponse::build(codes::status(code))
        .content_type("application/json")
        .body(body.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_cut_on_a_character_boundary() {
        assert_eq!(bounded("short"), "short");
        let exact = "é".repeat(MAX_MESSAGE);
        assert_eq!(bounded(&exact), exact);
        let long = "é".repeat(50_000);
        let cut = bounded(&long);
        assert_eq!(cut.chars().count(), MAX_MESSAGE);
        assert!(cut.ends_with('…'));
    }

    #[test]
    fn a_code_is_added_once() {
        let coded = with_code(ServerError::new("x".repeat(1_000), None), Code::BadRequest);
        let code = coded
            .extensions
            .as_ref()
            .and_then(|e| e.get("code"))
            .cloned();
        assert_eq!(code, Some("bad_request".into()));
        assert_eq!(coded.message.chars().count(), MAX_MESSAGE);
        let again = with_code(coded, Code::ValidationFailed);
        let code = again
            .extensions
            .as_ref()
            .and_then(|e| e.get("code"))
            .cloned();
        assert_eq!(code, Some("bad_request".into()));
    }
}
