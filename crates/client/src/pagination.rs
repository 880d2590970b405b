//! Cursor-paginated list calls: one page, or every item as a stream that follows `after`.

use std::collections::VecDeque;

use futures_util::Stream;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::request::Call;
use crate::{Client, Error};

/// Sort order by `created_at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// Oldest first.
    Asc,
    /// Newest first (the server default).
    Desc,
}

/// Query parameters of a list call; unset ones are not sent, so the server defaults apply.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListQuery {
    /// Page size (1–100; up to 10 000 for files).
    pub limit: Option<u32>,
    /// Sort order.
    pub order: Option<Order>,
    /// Return items after this id.
    pub after: Option<String>,
    /// Return items before this id (not supported by the files list).
    pub before: Option<String>,
    /// Endpoint-specific filters such as `run_id`, `filter`, `purpose` or `include[]`.
    pub extra: Vec<(String, String)>,
}

impl ListQuery {
    /// Sets the page size.
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Sets the sort order.
    pub fn order(mut self, order: Order) -> Self {
        self.order = Some(order);
        self
    }

    /// Starts after this id.
    pub fn after(mut self, id: impl Into<String>) -> Self {
        self.after = Some(id.into());
        self
    }

    /// Ends before this id.
    pub fn before(mut self, id: impl Into<String>) -> Self {
        self.before = Some(id.into());
        self
    }

    /// Adds an endpoint-specific parameter.
    pub fn param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.extra.push((name.into(), value.into()));
        self
    }

    pub(crate) fn pairs(&self) -> Vec<(String, String)> {
        let mut pairs = Vec::new();
        if let Some(limit) = self.limit {
            pairs.push(("limit".into(), limit.to_string()));
        }
        if let Some(order) = self.order {
            let order = match order {
                Order::Asc => "asc",
                Order::Desc => "desc",
            };
            pairs.push(("order".into(), order.into()));
        }
        if let Some(after) = &self.after {
            pairs.push(("after".into(), after.clone()));
        }
        if let Some(before) = &self.before {
            pairs.push(("before".into(), before.clone()));
        }
        pairs.extend(self.extra.iter().cloned());
        pairs
    }
}

/// One page of a list: `{"object":"list","data":[…],"first_id","last_id","has_more"}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The items.
    pub data: Vec<T>,
    /// Id of the first item.
    pub first_id: Option<String>,
    /// Id of the last item.
    pub last_id: Option<String>,
    /// Whether another page follows (a missing field reads as false, like node).
    pub has_more: bool,
}

#[derive(Deserialize)]
struct RawPage {
    data: Vec<serde_json::Value>,
    #[serde(default)]
    first_id: Option<String>,
    #[serde(default)]
    last_id: Option<String>,
    #[serde(default)]
    has_more: bool,
}

impl<T> Page<T> {
    /// The cursor for the next page: `last_id`, or the last item's `id` if the server left it out.
    fn next_after(
        last_id: &Option<String>,
        raw_last: Option<&serde_json::Value>,
    ) -> Option<String> {
        last_id
            .clone()
            .or_else(|| raw_last?.get("id")?.as_str().map(str::to_owned))
    }
}

impl Client {
    /// Fetches one page; also returns the cursor for the next page.
    async fn fetch_page<T: DeserializeOwned>(
        &self,
        call: Call,
    ) -> Result<(Page<T>, Option<String>), Error> {
        let raw: RawPage = self.json(call).await?;
        let after = Page::<T>::next_after(&raw.last_id, raw.data.last());
        let data = raw
            .data
            .into_iter()
            .map(|item| {
                serde_json::from_value(item.clone()).map_err(|source| Error::Decode {
                    source,
                    body: item.to_string(),
                })
            })
            .collect::<Result<_, _>>()?;
        let page = Page {
            data,
            first_id: raw.first_id,
            last_id: raw.last_id,
            has_more: raw.has_more,
        };
        Ok((page, after))
    }

    /// One page of the list at `path`.
    pub(crate) async fn page<T: DeserializeOwned>(
        &self,
        path: String,
        beta: bool,
        query: &ListQuery,
    ) -> Result<Page<T>, Error> {
        Ok(self.fetch_page(list_call(path, beta, query)).await?.0)
    }

    /// Every item of the list at `path`, fetching pages with `after` = last id while `has_more`.
    pub(crate) fn paginate<T>(
        &self,
        path: String,
        beta: bool,
        query: ListQuery,
    ) -> impl Stream<Item = Result<T, Error>> + Send + 'static
    where
        T: DeserializeOwned + Send + 'static,
    {
        struct State<T> {
            client: Client,
            path: String,
            beta: bool,
            query: ListQuery,
            items: VecDeque<T>,
            more: bool,
        }
        let state = State {
            client: self.clone(),
            path,
            beta,
            query,
            items: VecDeque::new(),
            more: true,
        };
        futures_util::stream::unfold(state, |mut st| async move {
            loop {
                if let Some(item) = st.items.pop_front() {
                    return Some((Ok(item), st));
                }
                if !st.more {
                    return None;
                }
                let call = list_call(st.path.clone(), st.beta, &st.query);
                match st.client.fetch_page::<T>(call).await {
                    Ok((page, after)) => {
                        // An empty page or a missing cursor ends the walk even if has_more lies,
                        // so a confused server cannot make this loop forever on one page.
                        st.more = page.has_more && !page.data.is_empty() && after.is_some();
                        st.query.after = after;
                        st.items.extend(page.data);
                    }
                    Err(err) => {
                        st.more = false;
                        return Some((Err(err), st));
                    }
                }
            }
        })
    }
}

fn list_call(path: String, beta: bool, query: &ListQuery) -> Call {
    let call = Call::get(path).query(query.pairs());
    if beta { call.beta() } else { call }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_pairs_in_order_and_only_when_set() {
        let q = ListQuery::default()
            .limit(2)
            .order(Order::Asc)
            .after("msg_1")
            .param("run_id", "run_1");
        let pairs: Vec<_> = q
            .pairs()
            .into_iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        assert_eq!(
            pairs,
            ["limit=2", "order=asc", "after=msg_1", "run_id=run_1"]
        );
        assert!(
            ListQuery::default().pairs().is_empty(),
            "defaults must send nothing"
        );
    }

    #[test]
    fn cursor_falls_back_to_last_item_id() {
        let last = serde_json::json!({"id": "asst_9"});
        assert_eq!(
            Page::<()>::next_after(&None, Some(&last)).as_deref(),
            Some("asst_9")
        );
        assert_eq!(
            Page::<()>::next_after(&Some("asst_3".into()), Some(&last)).as_deref(),
            Some("asst_3")
        );
        assert_eq!(Page::<()>::next_after(&None, None), None);
    }
}
