//! The error type of the UI layer: what a server function can answer besides its value.
//! Causes are logged on the server where they happen; readers get a short message in
//! their language, never a stack trace or SQL.

use crate::i18n::Lang;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    /// Nobody is signed in.
    #[error("not signed in")]
    Unauthorized,
    /// The signed-in user may not do this.
    #[error("forbidden")]
    Forbidden,
    /// Something failed on the server; the cause is in the server log.
    #[error("internal error")]
    Internal,
    /// The needs library's search index is being built: no search can be answered yet.
    #[error("the search index is being built")]
    SearchIndexBuilding,
    /// The request or the transport failed before reaching our code.
    #[error("request failed: {0}")]
    Transport(ServerFnErrorErr),
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value)
    }
}

impl AppError {
    /// The message shown to a reader.
    pub fn message(&self, lang: Lang) -> &'static str {
        match self {
            AppError::NotFound => lang.pick(
                "没有找到您要的内容。",
                "We could not find what you asked for.",
            ),
            AppError::Unauthorized => lang.pick("请先登录。", "Please sign in first."),
            AppError::Forbidden => lang.pick(
                "您没有权限查看此页面。",
                "You are not allowed to see this page.",
            ),
            AppError::SearchIndexBuilding => lang.pick(
                "需求库正在建立索引，请稍后刷新",
                "The needs library is being indexed; please refresh in a moment",
            ),
            AppError::Internal | AppError::Transport(_) => lang.pick(
                "服务暂时出现问题，请稍后再试。",
                "Something went wrong on our side. Please try again later.",
            ),
        }
    }

    /// Logs an unexpected error with its cause and returns the opaque [`AppError::Internal`].
    #[cfg(feature = "ssr")]
    pub fn internal(context: &'static str, err: impl std::fmt::Display) -> Self {
        tracing::error!(error = %err, "{context}");
        AppError::Internal
    }
}
