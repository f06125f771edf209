//! End-to-end through the real window: a bad value in a plan form shows the engine's rule, in
//! words, right under its field (check_plan_document over IPC), and Save writes nothing.

mod support;

use std::time::{Duration, Instant};

use support::{click, open_app, screenshot, start_driver, wait_for_text};

/// Sets an input's value as typing does (an `input` event the form listens to).
const TYPE_INTO: &str = "const el = document.querySelector(`[data-testid='${arguments[0]}']`);
el.value = arguments[1];
el.dispatchEvent(new Event('input', { bubbles: true }));";

/// The field path and text of the element right after the input, if it is a field error.
const ERROR_AFTER: &str = "const next = document.querySelector(`[data-testid='${arguments[0]}']`).nextElementSibling;
return next && next.dataset.testid === 'field-error' ? [next.dataset.field, next.textContent] : null;";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_value_shows_its_error_under_its_field() {
    let driver = start_driver();
    let client = open_app(&driver).await;
    wait_for_text(&client, "org-name", "Contoso").await;
    click(&client, "rail-federation-trust").await;
    wait_for_text(&client, "save-plan", "Save plan").await;

    client
        .execute(TYPE_INTO, vec!["trust-name".into(), "".into()])
        .await
        .expect("type into the trust name");
    let deadline = Instant::now() + Duration::from_secs(30);
    let shown = loop {
        let found = client
            .execute(ERROR_AFTER, vec!["trust-name".into()])
            .await
            .expect("read the field's error");
        if !found.is_null() {
            break found;
        }
        assert!(
            Instant::now() < deadline,
            "no error appeared under the trust name"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(
        shown,
        serde_json::json!(["trust.name", "Give a name of 1 to 64 characters."])
    );
    let problems = wait_for_text(&client, "plan-problems", "needs attention").await;
    assert!(!problems.contains(".toml"), "{problems}");

    // Saving with a problem sends nothing: no "Saved.", the error stays under its field.
    click(&client, "save-plan").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let saved = client
        .find(fantoccini::Locator::Css("[data-testid='plan-saved']"))
        .await;
    assert!(saved.is_err(), "a plan with a problem was saved");
    let shot = screenshot(&client, "form-field-error").await;
    eprintln!("screenshot: {}", shot.display());
    client.close().await.expect("close the session");
}
