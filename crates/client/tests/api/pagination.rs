//! List calls: one page, and streams that walk every page with `after`.

use futures_util::TryStreamExt;
use hearth_client::{Assistant, ListOrder, ListQuery};
use serde_json::{Value, json};

use crate::fixtures::{self, assistant};
use crate::server::{Recorded, Reply, TestServer};

/// Five assistants served two per page: pages end at a2, a4 and a5.
fn three_pages(req: &Recorded) -> Reply {
    pages_of(req, assistant)
}

/// Five objects made by `item` served two per page.
fn pages_of(req: &Recorded, item: fn(&str) -> Value) -> Reply {
    let (ids, more): (&[&str], bool) = match req.query_param("after").as_deref() {
        None => (&["a1", "a2"], true),
        Some("a2") => (&["a3", "a4"], true),
        Some("a4") => (&["a5"], false),
        Some(other) => panic!("unexpected cursor {other}"),
    };
    let data: Vec<Value> = ids.iter().map(|id| item(id)).collect();
    Reply::json(
        200,
        json!({"object": "list", "data": data, "first_id": ids[0], "last_id": ids[ids.len() - 1], "has_more": more}),
    )
}

#[tokio::test]
async fn stream_follows_after_across_three_pages() {
    let server = TestServer::start(|req, _| three_pages(req)).await;
    let (client, _) = server.client();
    let all: Vec<Assistant> = client
        .all_assistants(ListQuery::default().limit(2).order(ListOrder::Asc))
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<&str> = all.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["a1", "a2", "a3", "a4", "a5"]);
    let requests = server.requests();
    assert_eq!(
        requests.len(),
        3,
        "has_more false on page 3 must stop the walk"
    );
    let cursors: Vec<Option<String>> = requests.iter().map(|r| r.query_param("after")).collect();
    assert_eq!(cursors, [None, Some("a2".into()), Some("a4".into())]);
    for r in &requests {
        assert_eq!(
            r.query_param("limit").as_deref(),
            Some("2"),
            "limit kept on every page"
        );
        assert_eq!(
            r.query_param("order").as_deref(),
            Some("asc"),
            "order kept on every page"
        );
        assert_eq!(r.header("openai-beta"), Some("assistants=v2"));
    }
}

#[tokio::test]
async fn single_page_reports_cursor_fields() {
    let server = TestServer::start(|req, _| three_pages(req)).await;
    let (client, _) = server.client();
    let page = client
        .list_assistants(&ListQuery::default().after("a2"))
        .await
        .unwrap();
    assert_eq!(page.data.len(), 2);
    assert_eq!(page.first_id.as_deref(), Some("a3"));
    assert_eq!(page.last_id.as_deref(), Some("a4"));
    assert!(page.has_more);
    assert_eq!(
        server.requests().len(),
        1,
        "a single-page call fetches one page"
    );
}

#[tokio::test]
async fn missing_has_more_stops_after_one_page() {
    let server = TestServer::start(|_, _| {
        Reply::json(200, json!({"object": "list", "data": [assistant("a1")]}))
    })
    .await;
    let (client, _) = server.client();
    let all: Vec<Assistant> = client
        .all_assistants(ListQuery::default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(
        server.requests().len(),
        1,
        "like node, a missing has_more reads as false"
    );
}

#[tokio::test]
async fn error_on_a_later_page_is_yielded_once() {
    let server = TestServer::start(|req, _| {
        if req.query_param("after").is_some() {
            Reply::json(400, json!({"error": {"message": "bad cursor", "type": "invalid_request_error", "param": "after", "code": null}}))
        } else {
            pages_of(req, |id| fixtures::file(id, 1))
        }
    })
    .await;
    let (client, _) = server.client();
    let items: Vec<_> =
        futures_util::StreamExt::collect(client.all_files(ListQuery::default())).await;
    assert_eq!(
        items.len(),
        3,
        "two items, then the error, then the stream ends"
    );
    assert!(items[2].is_err());
    assert!(
        server
            .requests()
            .iter()
            .all(|r| r.header("openai-beta").is_none()),
        "files carry no beta header"
    );
}

#[tokio::test]
async fn a_server_that_repeats_a_cursor_stops_the_walk_with_an_error() {
    // Page two points back at page one's cursor: following it would loop forever.
    let server = TestServer::start(|req, _| {
        let (ids, last): (&[&str], &str) = match req.query_param("after").as_deref() {
            None => (&["a1", "a2"], "a2"),
            _ => (&["a3", "a4"], "a2"),
        };
        let data: Vec<Value> = ids.iter().map(|id| assistant(id)).collect();
        Reply::json(
            200,
            json!({"object": "list", "data": data, "first_id": ids[0], "last_id": last, "has_more": true}),
        )
    })
    .await;
    let (client, _) = server.client();
    let results: Vec<_> = futures_util::StreamExt::collect::<Vec<_>>(
        client.all_assistants(ListQuery::default().limit(2)),
    )
    .await;
    let ids: Vec<&str> = results
        .iter()
        .filter_map(|r| r.as_ref().ok())
        .map(|a| a.id.as_str())
        .collect();
    assert_eq!(
        ids,
        ["a1", "a2", "a3", "a4"],
        "every item fetched is delivered"
    );
    let error = results
        .last()
        .unwrap()
        .as_ref()
        .expect_err("the walk ends with an error");
    assert!(
        error.to_string().contains("second time"),
        "the error says the cursor repeated: {error}"
    );
    assert_eq!(server.requests().len(), 2, "no page is fetched twice");
}
