//! The Knowledge page's picture: every file and vector store with what uses it. An assistant or
//! thread uses a vector store named in its `tool_resources.file_search`, and a file either
//! directly (`tool_resources.code_interpreter`) or through one of those stores.

use hearth_wire::{Assistant, FileObject, Thread, ToolResources, VectorStore, VectorStoreFile};

use super::{NamedStoreFile, StoreSummary};

/// An assistant or thread that uses a file or vector store.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UsedBy {
    /// Its id.
    pub id: String,
    /// Its name (an assistant) or title (a thread).
    pub name: String,
}

/// A file as the Knowledge page lists it.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct KnowledgeFile {
    /// The file: name, size, purpose, when.
    pub file: FileObject,
    /// The vector stores it is in.
    pub vector_store_ids: Vec<String>,
    /// The assistants that use it.
    pub assistants: Vec<UsedBy>,
    /// The threads that use it.
    pub threads: Vec<UsedBy>,
}

/// A vector store as the Knowledge page lists it.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct KnowledgeStore {
    /// The store: status, file counts, size, expiry.
    pub store: StoreSummary,
    /// Its files with their indexing status.
    pub files: Vec<NamedStoreFile>,
    /// The assistants that search it.
    pub assistants: Vec<UsedBy>,
    /// The threads that search it.
    pub threads: Vec<UsedBy>,
}

/// Every file and vector store of a profile.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct KnowledgeOverview {
    /// Newest first.
    pub files: Vec<KnowledgeFile>,
    /// Newest first.
    pub vector_stores: Vec<KnowledgeStore>,
}

/// Something with tool resources: an assistant or a thread, by id and name.
struct User<'a> {
    who: UsedBy,
    resources: Option<&'a ToolResources>,
}

impl User<'_> {
    fn searches(&self, vector_store_id: &str) -> bool {
        self.resources
            .and_then(|resources| resources.file_search.as_ref())
            .is_some_and(|search| {
                search
                    .vector_store_ids
                    .iter()
                    .any(|id| id == vector_store_id)
            })
    }

    fn runs_code_on(&self, file_id: &str) -> bool {
        self.resources
            .and_then(|resources| resources.code_interpreter.as_ref())
            .is_some_and(|code| code.file_ids.iter().any(|id| id == file_id))
    }
}

fn assistant_users(assistants: &[Assistant]) -> Vec<User<'_>> {
    assistants
        .iter()
        .map(|assistant| User {
            who: UsedBy {
                id: assistant.id.clone(),
                name: assistant
                    .name
                    .clone()
                    .filter(|name| !name.trim().is_empty())
                    .unwrap_or_else(|| "Untitled assistant".to_owned()),
            },
            resources: assistant.tool_resources.as_ref(),
        })
        .collect()
}

fn thread_users(threads: &[(Thread, String)]) -> Vec<User<'_>> {
    threads
        .iter()
        .map(|(thread, title)| User {
            who: UsedBy {
                id: thread.id.clone(),
                name: if title.trim().is_empty() {
                    "New thread".to_owned()
                } else {
                    title.clone()
                },
            },
            resources: thread.tool_resources.as_ref(),
        })
        .collect()
}

/// Who of `users` uses the file, directly or through one of `stores`.
fn users_of_file(users: &[User<'_>], file_id: &str, stores: &[String]) -> Vec<UsedBy> {
    users
        .iter()
        .filter(|user| user.runs_code_on(file_id) || stores.iter().any(|id| user.searches(id)))
        .map(|user| user.who.clone())
        .collect()
}

fn users_of_store(users: &[User<'_>], vector_store_id: &str) -> Vec<UsedBy> {
    users
        .iter()
        .filter(|user| user.searches(vector_store_id))
        .map(|user| user.who.clone())
        .collect()
}

/// The Knowledge page's picture from the lists a profile gives: its files, its vector stores
/// each with its attached files, its assistants, and its threads with their titles.
pub fn overview(
    files: Vec<FileObject>,
    stores: Vec<(VectorStore, Vec<VectorStoreFile>)>,
    assistants: &[Assistant],
    threads: &[(Thread, String)],
) -> KnowledgeOverview {
    let assistants = assistant_users(assistants);
    let threads = thread_users(threads);
    let name_of = |file_id: &str| {
        files
            .iter()
            .find(|file| file.id == file_id)
            .map_or_else(|| file_id.to_owned(), |file| file.filename.clone())
    };
    let vector_stores: Vec<KnowledgeStore> = stores
        .into_iter()
        .map(|(store, attached)| KnowledgeStore {
            assistants: users_of_store(&assistants, &store.id),
            threads: users_of_store(&threads, &store.id),
            files: attached
                .into_iter()
                .map(|attachment| NamedStoreFile {
                    filename: name_of(&attachment.id),
                    attachment: attachment.into(),
                })
                .collect(),
            store: store.into(),
        })
        .collect();
    let files = files
        .into_iter()
        .map(|file| {
            let in_stores: Vec<String> = vector_stores
                .iter()
                .filter(|entry| entry.files.iter().any(|f| f.attachment.id == file.id))
                .map(|entry| entry.store.id.clone())
                .collect();
            KnowledgeFile {
                assistants: users_of_file(&assistants, &file.id, &in_stores),
                threads: users_of_file(&threads, &file.id, &in_stores),
                vector_store_ids: in_stores,
                file,
            }
        })
        .collect();
    KnowledgeOverview {
        files,
        vector_stores,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn from<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> T {
        serde_json::from_value(value).unwrap()
    }

    fn file(id: &str, name: &str) -> FileObject {
        from(
            json!({"id": id, "object": "file", "bytes": 10, "created_at": 1,
            "filename": name, "purpose": "assistants", "status": "processed"}),
        )
    }

    fn store(id: &str) -> VectorStore {
        from(
            json!({"id": id, "object": "vector_store", "created_at": 1, "name": "",
            "usage_bytes": 0, "status": "completed",
            "file_counts": {"in_progress": 0, "completed": 1, "failed": 0, "cancelled": 0, "total": 1}}),
        )
    }

    fn attached(store: &str, file: &str) -> VectorStoreFile {
        from(
            json!({"id": file, "object": "vector_store.file", "usage_bytes": 5, "created_at": 1,
            "vector_store_id": store, "status": "completed", "last_error": null}),
        )
    }

    #[test]
    fn files_and_stores_name_who_uses_them_directly_or_through_a_store() {
        let assistant: Assistant = from(json!({"id": "asst_1", "object": "assistant",
            "created_at": 1, "name": "Researcher", "description": null, "model": "m",
            "instructions": null, "tools": [], "metadata": {},
            "tool_resources": {"file_search": {"vector_store_ids": ["vs_a"]},
                               "code_interpreter": {"file_ids": ["file-csv"]}}}));
        let thread: Thread = from(
            json!({"id": "thread_1", "object": "thread", "created_at": 1,
            "metadata": {}, "tool_resources": {"file_search": {"vector_store_ids": ["vs_b"]}}}),
        );
        let picture = overview(
            vec![
                file("file-pdf", "report.pdf"),
                file("file-csv", "sales.csv"),
                file("file-lone", "unused.txt"),
            ],
            vec![
                (store("vs_a"), vec![attached("vs_a", "file-pdf")]),
                (
                    store("vs_b"),
                    vec![attached("vs_b", "file-pdf"), attached("vs_b", "file-gone")],
                ),
            ],
            &[assistant],
            &[(thread, "About the report".to_owned())],
        );

        let pdf = &picture.files[0];
        assert_eq!(pdf.vector_store_ids, ["vs_a", "vs_b"]);
        assert_eq!(pdf.assistants[0].name, "Researcher", "used through vs_a");
        assert_eq!(pdf.threads[0].name, "About the report", "used through vs_b");
        let csv = &picture.files[1];
        assert_eq!(
            csv.assistants[0].id, "asst_1",
            "used by the code interpreter"
        );
        assert!(csv.threads.is_empty() && csv.vector_store_ids.is_empty());
        let lone = &picture.files[2];
        assert!(lone.assistants.is_empty() && lone.threads.is_empty());

        let b = &picture.vector_stores[1];
        assert_eq!(b.files[0].filename, "report.pdf");
        assert_eq!(
            b.files[1].filename, "file-gone",
            "a file gone is shown by its id"
        );
        assert!(b.assistants.is_empty());
        assert_eq!(b.threads[0].id, "thread_1");
    }
}
