//! Requests no route takes. A path the API serves, asked with a method it does not serve, gets
//! 405 with an `Allow` header; anything else gets 404. The table of paths and methods is read
//! from the OpenAPI document, so it is the contract's and cannot drift from it.

use crate::error::ApiError;
use actix_web::http::header;
use actix_web::web::Data;
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use lyceum_domain::Code;
use utoipa::openapi::OpenApi;

/// One path template split at `/`; `None` stands for a `{parameter}`.
type Template = Vec<Option<String>>;

/// Every served path template with the methods it answers.
#[derive(Debug, Clone, Default)]
pub struct Routes(Vec<(Template, Vec<&'static str>)>);

impl Routes {
    /// The table of `document`'s paths, plus `/graphql` and `/metrics`.
    pub fn from_document(document: &OpenApi) -> Self {
        let mut routes: Vec<(Template, Vec<&'static str>)> = document
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let methods = [
                    ("GET", item.get.is_some()),
                    ("POST", item.post.is_some()),
                    ("PUT", item.put.is_some()),
                    ("PATCH", item.patch.is_some()),
                    ("DELETE", item.delete.is_some()),
                ];
                let allowed = methods.iter().filter(|(_, on)| *on).map(|(m, _)| *m);
                (template(path), allowed.collect())
            })
            .collect();
        routes.push((template("/graphql"), vec!["GET", "POST"]));
        routes.push((template("/metrics"), vec!["GET"]));
        Self(routes)
    }

    /// The methods served at `path`, if any template matches it.
    pub fn allowed(&self, path: &str) -> Option<Vec<&'static str>> {
        let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
        let mut methods: Vec<&'static str> = Vec::new();
        for (template, allowed) in &self.0 {
            let matches = template.len() == segments.len()
                && template
                    .iter()
                    .zip(&segments)
                    .all(|(t, s)| t.as_deref().map_or(!s.is_empty(), |t| t == *s));
            if matches {
                for method in allowed {
                    if !methods.contains(method) {
                        methods.push(method);
                    }
                }
            }
        }
        (!methods.is_empty()).then_some(methods)
    }
}

fn template(path: &str) -> Template {
    path.trim_end_matches('/')
        .split('/')
        .map(|s| (!s.starts_with('{')).then(|| s.to_owned()))
        .collect()
}

/// The default service: 405 with `Allow` for a known path, else 404.
pub async fn fallback(req: HttpRequest, routes: Data<Routes>) -> HttpResponse {
    match routes.allowed(req.path()) {
        Some(methods) => {
            let allow = methods.join(", ");
            let detail = format!("{} is not served here; use {allow}", req.method());
            let mut response = ApiError::new(Code::MethodNotAllowed, detail).error_response();
            if let Ok(value) = header::HeaderValue::from_str(&allow) {
                response.headers_mut().insert(header::ALLOW, value);
            }
            response
        }
        None => ApiError::new(Code::NotFound, "no such route").error_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_paths_name_their_methods() {
        let routes = Routes::from_document(&crate::openapi::document());
        let spaces = routes.allowed("/v1/spaces").unwrap_or_default();
        assert_eq!(spaces, ["POST"]);
        let space = routes.allowed("/v1/spaces/deep-work").unwrap_or_default();
        assert_eq!(space, ["GET", "PATCH"]);
        assert_eq!(routes.allowed("/v1/nothing/here"), None);
        assert_eq!(routes.allowed("/v1/spaces//tiers"), None);
    }
}
