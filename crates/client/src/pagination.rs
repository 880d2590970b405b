//! Cursor-paginated list calls: one page, or every item as a stream that follows `after`. The query
//! is `hearth-wire`'s [`ListQuery`], the same type the server reads.

use std::collections::{HashSet, VecDeque};

use futures_util::Stream;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::request::Call;
use crate::{Client, Error, ListQuery};

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
            /// Every cursor followed so far: a server that hands one back again would loop.
            cursors: HashSet<String>,
            /// A cursor the server repeated, reported after the items already fetched.
            repeated: Option<String>,
        }
        let state = State {
            client: self.clone(),
            path,
            beta,
            query,
            items: VecDeque::new(),
            more: true,
            cursors: HashSet::new(),
            repeated: None,
        };
        futures_util::stream::unfold(state, |mut st| async move {
            loop {
                if let Some(item) = st.items.pop_front() {
                    return Some((Ok(item), st));
                }
                if let Some(cursor) = st.repeated.take() {
                    let error = Error::Protocol(format!(
                        "the list at {} gave the cursor '{cursor}' a second time; paging stopped so it cannot go round forever",
                        st.path
                    ));
                    return Some((Err(error), st));
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
                        st.items.extend(page.data);
                        if st.more
                            && let Some(cursor) = &after
                            && !st.cursors.insert(cursor.clone())
                        {
                            // The items of this page are delivered, then the error.
                            st.more = false;
                            st.repeated = Some(cursor.clone());
                        }
                        st.query.after = after;
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
