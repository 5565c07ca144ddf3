//! Per-user notes: a small resource behind the guard, reading the caller with `CurrentUser`.
//! Kept in memory: the example is about auth, not storage.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use auth_axum::CurrentUser;
use auth_core::model::{Timestamp, UserId};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use crate::api_error::{ApiError, JsonBody};

/// Notes by user id.
#[derive(Clone, Default)]
pub struct Notes(Arc<Mutex<HashMap<UserId, Vec<Note>>>>);

#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Note {
    id: String,
    text: String,
    created_at: Timestamp,
}

#[derive(Deserialize)]
pub struct NewNote {
    text: String,
}

impl Notes {
    fn with<R>(&self, f: impl FnOnce(&mut HashMap<UserId, Vec<Note>>) -> R) -> R {
        let mut map = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&mut map)
    }
}

/// A new note's id: 16 random alphanumerics.
fn note_id() -> String {
    use rand::Rng;
    rand::thread_rng()
        .sample_iter(&rand::distributions::Alphanumeric)
        .take(16)
        .map(char::from)
        .collect()
}

/// `GET /api/notes`: the caller's notes, oldest first.
pub async fn list(State(notes): State<Notes>, caller: CurrentUser) -> Json<Vec<Note>> {
    Json(notes.with(|map| map.get(&caller.user.id).cloned().unwrap_or_default()))
}

/// `POST /api/notes` with `{"text": "…"}` (1 to 1000 characters).
pub async fn create(
    State(notes): State<Notes>,
    caller: CurrentUser,
    JsonBody(new): JsonBody<NewNote>,
) -> Result<(StatusCode, Json<Note>), ApiError> {
    let text = new.text.trim();
    if text.is_empty() || text.chars().count() > 1000 {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
            "[body.text] must be 1 to 1000 characters",
        ));
    }
    let note = Note {
        id: note_id(),
        text: text.to_owned(),
        created_at: Timestamp::now(),
    };
    notes.with(|map| {
        map.entry(caller.user.id.clone())
            .or_default()
            .push(note.clone())
    });
    Ok((StatusCode::CREATED, Json(note)))
}

/// `DELETE /api/notes/{id}`: only the caller's own notes.
pub async fn remove(
    State(notes): State<Notes>,
    caller: CurrentUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let removed = notes.with(|map| {
        let mine = map.entry(caller.user.id.clone()).or_default();
        let before = mine.len();
        mine.retain(|n| n.id != id);
        before != mine.len()
    });
    if removed {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            "No such note",
        ))
    }
}
