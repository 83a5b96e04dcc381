//! The command line against a running installation: `lyceum keys create --role admin` prints a
//! working key in both modes, and refuses roles it does not make.

use crate::on_both_backends;
use crate::support::{Backend, TestApp};

on_both_backends!(admin_key_from_the_command_line);

async fn admin_key_from_the_command_line(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let database = match &app.config.database_url {
        Some(url) => vec!["--database-url".to_owned(), url.expose().to_owned()],
        None => vec![
            "--data-dir".to_owned(),
            app.config.data_dir.display().to_string(),
        ],
    };
    let lyceum = |args: &[&str]| {
        tokio::process::Command::new(env!("CARGO_BIN_EXE_lyceum"))
            .args(&database)
            .args(args)
            .env_remove("LYCEUM_DATABASE_URL")
            .env_remove("LYCEUM_AMQP_URL")
            .output()
    };
    let output = lyceum(&["keys", "create", "--role", "admin"])
        .await
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let key = String::from_utf8(output.stdout).unwrap().trim().to_owned();
    assert!(key.starts_with("lyc_admin_"), "{key}");
    assert_eq!(app.get(&key, "/v1/events").await.status, 200);

    let refused = lyceum(&["keys", "create", "--role", "creator"])
        .await
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("POST /v1/spaces/{space}/keys"));
    app.finish().await;
}
