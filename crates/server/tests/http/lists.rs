//! Cursor lists, the `run_id` filter, models, and the CRUD round trips behind them.

use futures_util::TryStreamExt;
use hearth_scripted::Script;
use hearth_wire::RunStatus;
use hearth_wire::{ListOrder, ListQuery};
use serde_json::{Value, json};

use crate::support::start;

#[tokio::test]
async fn pages_say_whether_more_follow() {
    let server = start(vec![]).await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(server.assistant(false).await);
    }
    let first: Value = server
        .get("/v1/assistants?limit=2&order=asc")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(first["object"], "list");
    assert_eq!(first["has_more"], true);
    assert_eq!(first["first_id"], ids[0]);
    assert_eq!(first["last_id"], ids[1]);
    let after = first["last_id"].as_str().unwrap();
    let second: Value = server
        .get(&format!("/v1/assistants?limit=2&order=asc&after={after}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(second["has_more"], false, "has_more is always sent");
    assert_eq!(second["data"].as_array().unwrap().len(), 1);
    assert_eq!(second["data"][0]["id"], ids[2]);

    // Old SDKs ask once more after the last item: that must be an empty page, not an error.
    let last = &ids[2];
    let empty: Value = server
        .get(&format!("/v1/assistants?order=asc&after={last}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(empty["data"], json!([]));
    assert_eq!(empty["first_id"], Value::Null);
    assert_eq!(empty["has_more"], false);

    let all: Vec<_> = server
        .client()
        .all_assistants(ListQuery::default().limit(1).order(ListOrder::Desc))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        all.len(),
        3,
        "the client should page through every assistant"
    );
    assert_eq!(all[0].id, ids[2]);
}

#[tokio::test]
async fn messages_can_be_listed_by_run_and_edited() {
    let server = start(vec![Script::text(["Fine."])]).await;
    let assistant = server.assistant(false).await;
    let thread = server.thread().await;
    let client = server.client();
    let run = client
        .create_run(&thread, &json!({"assistant_id": assistant}), &[])
        .await
        .unwrap();
    server
        .wait_for(&thread, &run.id, RunStatus::Completed)
        .await;

    let everything = client
        .list_messages(&thread, &ListQuery::default())
        .await
        .unwrap();
    assert_eq!(everything.data.len(), 2);
    let by_run = client
        .list_messages(
            &thread,
            &ListQuery::default().param("run_id", run.id.clone()),
        )
        .await
        .unwrap();
    assert_eq!(by_run.data.len(), 1, "only the answer belongs to the run");
    let answer = &by_run.data[0];
    assert_eq!(answer.run_id.as_deref(), Some(run.id.as_str()));

    let modified = client
        .modify_message(&thread, &answer.id, &json!({"metadata": {"seen": "yes"}}))
        .await
        .unwrap();
    assert_eq!(modified.metadata.unwrap()["seen"], "yes");
    let runs = client
        .list_runs(&thread, &ListQuery::default())
        .await
        .unwrap();
    assert_eq!(runs.data.len(), 1);
    let run = client
        .modify_run(&thread, &run.id, &json!({"metadata": {"k": "v"}}))
        .await
        .unwrap();
    assert_eq!(run.metadata.unwrap()["k"], "v");

    let deleted = client.delete_message(&thread, &answer.id).await.unwrap();
    assert!(deleted.deleted);
    let deleted = client.delete_thread(&thread).await.unwrap();
    assert!(deleted.deleted);
    let deleted = client.delete_assistant(&assistant).await.unwrap();
    assert!(deleted.deleted);
    let gone = client.retrieve_assistant(&assistant).await.unwrap_err();
    assert_eq!(gone.status().map(|status| status.as_u16()), Some(404));
}

#[tokio::test]
async fn models_are_listed_unpaginated_and_retrievable() {
    let server = start(vec![]).await;
    server.provider.set_models(vec![
        ("scripted-model".into(), Some(8192)),
        ("org/model".into(), None),
    ]);
    let list: Value = server
        .get("/v1/models")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["object"], "list");
    assert_eq!(list["data"].as_array().unwrap().len(), 2);
    assert!(
        list.get("has_more").is_none(),
        "/models is not a cursor list"
    );
    let model = server.client().retrieve_model("org/model").await.unwrap();
    assert_eq!(
        model.id, "org/model",
        "ids with slashes should be retrievable"
    );
}
