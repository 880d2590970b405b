//! `/v1/files`: upload (multipart, streamed to disk), list, retrieve, delete, content.

use axum::Json;
use axum::body::Body;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use hearth_engine::{Engine, EngineError, StagedUpload};
use hearth_wire::{
    CreatedAtAnchor, FileDeleted, FileExpiresAfter, FileObject, FilePurpose, ListFilesQuery,
    ListResponse, PassagePlaceRequest, PassagePlaceResponse, UploadFileParams,
};
use tokio_util::io::ReaderStream;

use super::blocking;
use crate::errors::{ApiResult, Failure};
use crate::extract::{JsonBody, ListParams};

/// Room for the multipart framing and the small text fields around the file's bytes.
const MULTIPART_OVERHEAD: u64 = 64 * 1024;

/// The non-file fields as they arrive.
#[derive(Default)]
struct UploadFields {
    purpose: Option<String>,
    expires_seconds: Option<String>,
}

/// `POST /v1/files`
pub async fn upload(
    State(engine): State<Engine>,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> ApiResult<Json<FileObject>> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    // A body the client declares too large is refused before its bytes are stored.
    let declared_too_large =
        declared.is_some_and(|length| length > engine.upload_limit() + MULTIPART_OVERHEAD);
    let mut fields = UploadFields::default();
    let mut staged: Option<(String, StagedUpload)> = None;
    while let Some(field) = multipart.next_field().await.map_err(bad_form)? {
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "file" => {
                let filename = field.file_name().unwrap_or_default().to_owned();
                let result = if declared_too_large {
                    Err(engine.upload_too_large(&filename))
                } else {
                    engine.stage_upload(&filename, field).await
                };
                match result {
                    Ok(upload) => staged = Some((filename, upload)),
                    Err(error @ EngineError::TooLarge(_)) => {
                        // Read the rest (without keeping it) so the client, still sending,
                        // gets the answer instead of a reset connection.
                        while let Ok(Some(mut rest)) = multipart.next_field().await {
                            while let Ok(Some(_)) = rest.chunk().await {}
                        }
                        return Err(error.into());
                    }
                    Err(error) => return Err(error.into()),
                }
            }
            "purpose" => fields.purpose = Some(field.text().await.map_err(bad_form)?),
            "expires_after[seconds]" => {
                fields.expires_seconds = Some(field.text().await.map_err(bad_form)?)
            }
            // `expires_after[anchor]` can only be `created_at`; other fields are ignored as
            // multipart bodies from SDKs may carry extras.
            _ => {}
        }
    }
    let Some((filename, upload)) = staged else {
        return Err(Failure::invalid(
            "Missing required parameter: 'file'.",
            Some("file"),
        ));
    };
    let params = upload_params(fields)?;
    Ok(Json(
        blocking(&engine, move |engine| {
            engine.create_file(upload, &filename, params)
        })
        .await?,
    ))
}

fn bad_form(error: axum::extract::multipart::MultipartError) -> Failure {
    Failure::invalid(
        format!(
            "The multipart body could not be read: {}",
            error.body_text()
        ),
        None,
    )
}

fn upload_params(fields: UploadFields) -> Result<UploadFileParams, Failure> {
    let Some(purpose) = fields.purpose else {
        return Err(Failure::invalid(
            "Missing required parameter: 'purpose'.",
            Some("purpose"),
        ));
    };
    let expires_after = match fields.expires_seconds {
        None => None,
        Some(text) => Some(FileExpiresAfter {
            anchor: CreatedAtAnchor,
            seconds: text.trim().parse().map_err(|_| {
                Failure::invalid(
                    format!("Invalid 'expires_after.seconds': expected an integer, but got '{text}' instead."),
                    Some("expires_after.seconds"),
                )
            })?,
        }),
    };
    Ok(UploadFileParams {
        purpose: FilePurpose::from(purpose.as_str()),
        expires_after,
    })
}

/// `GET /v1/files`
pub async fn list(
    State(engine): State<Engine>,
    params: ListParams,
) -> ApiResult<Json<ListResponse<FileObject>>> {
    let query = ListFilesQuery {
        purpose: params.purpose.as_deref().map(FilePurpose::from),
        limit: params.query.limit,
        order: params.query.order,
        after: params.query.after,
    };
    Ok(Json(
        blocking(&engine, move |engine| engine.list_files(&query)).await?,
    ))
}

/// `GET /v1/files/{file_id}`
pub async fn retrieve(
    State(engine): State<Engine>,
    Path(file_id): Path<String>,
) -> ApiResult<Json<FileObject>> {
    Ok(Json(
        blocking(&engine, move |engine| engine.get_file(&file_id)).await?,
    ))
}

/// `POST /v1/files/{file_id}/passage_place`, Hearth's own (the hosted API has no such call): the
/// page and heading of a passage a search returned, so a client can show where a citation points.
pub async fn passage_place(
    State(engine): State<Engine>,
    Path(file_id): Path<String>,
    JsonBody(request): JsonBody<PassagePlaceRequest>,
) -> ApiResult<Json<PassagePlaceResponse>> {
    Ok(Json(
        blocking(&engine, move |engine| {
            engine.passage_place(&file_id, &request.text)
        })
        .await?,
    ))
}

/// `DELETE /v1/files/{file_id}`
pub async fn delete(
    State(engine): State<Engine>,
    Path(file_id): Path<String>,
) -> ApiResult<Json<FileDeleted>> {
    Ok(Json(
        blocking(&engine, move |engine| engine.delete_file(&file_id)).await?,
    ))
}

/// `GET /v1/files/{file_id}/content`: the bytes, streamed from disk, typed by the file's name.
pub async fn content(
    State(engine): State<Engine>,
    Path(file_id): Path<String>,
) -> ApiResult<Response> {
    let (file, path) = {
        let file_id = file_id.clone();
        blocking(&engine, move |engine| engine.file_content(&file_id)).await?
    };
    let handle = tokio::fs::File::open(&path).await.map_err(|error| {
        Failure::from(EngineError::Internal(format!(
            "The bytes of {file_id} could not be read: {error}"
        )))
    })?;
    let mime = mime_guess::from_path(&file.filename).first_or_octet_stream();
    let mut response = Body::from_stream(ReaderStream::new(handle)).into_response();
    *response.status_mut() = StatusCode::OK;
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(mime.essence_str()) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(file.bytes));
    Ok(response)
}
