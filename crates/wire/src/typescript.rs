//! How the wire types look in TypeScript (the `specta` feature): the desktop app's window receives
//! these objects exactly as Rust serializes them, and its bindings are generated from this
//! description.
//!
//! Most types derive `specta::Type` next to their serde derive. This module holds what a derive
//! cannot say: JSON values of any shape, whole numbers as JavaScript reads them, and the `type`-tagged
//! unions whose serde code is written by hand (`open_union!`) to keep unknown kinds. Each of those
//! is described here by a shadow enum with the same variants plus an `Unknown` arm — any object with
//! a `type` this crate does not know — so the window narrows on `type` and shows the rest as content
//! it cannot display, never as a crash. A test checks the shadows against the unions' known types.

use std::collections::BTreeMap;

use serde::Serialize;
use specta::Type;

use crate::chunking::StaticChunking;
use crate::messages::{
    FileCitationDelta, FilePathDelta, FileRef, ImageFile, ImageFileDelta, ImageUrl, ImageUrlDelta,
    MessageContentPartInput, TextContent, TextDelta,
};
use crate::response_format::ResponseFormat;
use crate::steps::{
    CodeInterpreterCall, CodeInterpreterCallDelta, FileSearchCall, FunctionCall, FunctionCallDelta,
    ImageOutput, ImageOutputDelta, MessageCreation, MessageCreationDelta,
};
use crate::tools::{FileSearchToolOptions, FunctionObject, NamedToolChoice, ToolChoiceMode};

/// A whole number (timestamps, byte and token counts). Rust keeps them as 64-bit integers, which
/// TypeScript cannot describe exactly; every value Hearth sends is far below 2^53, where a
/// JavaScript number is exact, so the bindings say `number`. Only this type's TypeScript form is used.
pub(crate) type WholeNumber = u32;

/// Any JSON value (function parameters, JSON schemas, an unknown object's members).
#[derive(Serialize, Type)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum JsonValue {
    /// `null`
    Null(()),
    /// `true` / `false`
    Bool(bool),
    /// A number.
    Number(f64),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<JsonValue>),
    /// An object.
    Object(BTreeMap<String, JsonValue>),
}

/// A JSON object of any members.
pub(crate) type JsonObject = BTreeMap<String, JsonValue>;

/// An object of a `type` this version of Hearth does not know (a newer server's). Serde keeps all
/// of it; TypeScript is told only its `type`, so the window must narrow to a known kind before
/// reading anything else.
#[derive(Serialize, Type)]
#[allow(dead_code)]
pub struct UnknownObject {
    /// The kind it says it is.
    r#type: String,
}

/// A delta of a kind this version does not know: like [`UnknownObject`], with the `index` every
/// delta part carries.
#[derive(Serialize, Type)]
#[allow(dead_code)]
pub struct UnknownDelta {
    /// Which part of the object it changes.
    index: u32,
    /// The kind it says it is.
    r#type: String,
}

/// Declares the shadow of one `open_union!` type: its known variants, then `Unknown` (an
/// [`UnknownObject`], or the given type).
macro_rules! shadow_union {
    ($name:ident { $($body:tt)* }) => {
        shadow_union!($name, UnknownObject { $($body)* });
    };
    ($name:ident, $unknown:ident { $($body:tt)* }) => {
        const _: () = {
            #[derive(Serialize, Type)]
            #[specta(remote = self::$name)]
            #[serde(tag = "type", rename_all = "snake_case")]
            #[allow(dead_code)]
            enum $name {
                $($body)*
                #[serde(untagged)]
                Unknown($unknown),
            }
        };
    };
}

use crate::chunking::ChunkingStrategy;
use crate::messages::{Annotation, AnnotationDelta, MessageContent, MessageDeltaContent};
use crate::steps::{
    CodeInterpreterOutput, CodeInterpreterOutputDelta, StepDetails, StepDetailsDelta, ToolCall,
    ToolCallDelta,
};
use crate::tools::AssistantTool;

shadow_union!(MessageContent {
    ImageFile { image_file: ImageFile },
    ImageUrl { image_url: ImageUrl },
    Text { text: TextContent },
    Refusal { refusal: String },
});

shadow_union!(Annotation {
    FileCitation {
        text: String,
        file_citation: FileRef,
        #[specta(type = WholeNumber)]
        start_index: u64,
        #[specta(type = WholeNumber)]
        end_index: u64,
    },
    FilePath {
        text: String,
        file_path: FileRef,
        #[specta(type = WholeNumber)]
        start_index: u64,
        #[specta(type = WholeNumber)]
        end_index: u64,
    },
});

shadow_union!(MessageDeltaContent, UnknownDelta {
    ImageFile {
        index: u32,
        #[serde(skip_serializing_if = "Option::is_none")]
        image_file: Option<ImageFileDelta>,
    },
    Text {
        index: u32,
        #[serde(skip_serializing_if = "Option::is_none")]
        text: Option<TextDelta>,
    },
    Refusal {
        index: u32,
        #[serde(skip_serializing_if = "Option::is_none")]
        refusal: Option<String>,
    },
    ImageUrl {
        index: u32,
        #[serde(skip_serializing_if = "Option::is_none")]
        image_url: Option<ImageUrlDelta>,
    },
});

shadow_union!(AnnotationDelta, UnknownDelta {
    FileCitation {
        index: u32,
        #[serde(skip_serializing_if = "Option::is_none")]
        text: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        file_citation: Option<FileCitationDelta>,
        #[serde(skip_serializing_if = "Option::is_none")]
        #[specta(type = Option<WholeNumber>)]
        start_index: Option<u64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        #[specta(type = Option<WholeNumber>)]
        end_index: Option<u64>,
    },
    FilePath {
        index: u32,
        #[serde(skip_serializing_if = "Option::is_none")]
        text: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        file_path: Option<FilePathDelta>,
        #[serde(skip_serializing_if = "Option::is_none")]
        #[specta(type = Option<WholeNumber>)]
        start_index: Option<u64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        #[specta(type = Option<WholeNumber>)]
        end_index: Option<u64>,
    },
});

shadow_union!(AssistantTool {
    CodeInterpreter,
    FileSearch {
        #[serde(skip_serializing_if = "Option::is_none")]
        file_search: Option<FileSearchToolOptions>,
    },
    Function { function: FunctionObject },
});

shadow_union!(ChunkingStrategy {
    Static {
        #[serde(rename = "static")]
        static_: StaticChunking,
    },
    Other,
});

shadow_union!(StepDetails {
    MessageCreation { message_creation: MessageCreation },
    ToolCalls { tool_calls: Vec<ToolCall> },
});

shadow_union!(ToolCall {
    CodeInterpreter { id: String, code_interpreter: CodeInterpreterCall },
    FileSearch { id: String, file_search: FileSearchCall },
    Function { id: String, function: FunctionCall },
});

shadow_union!(CodeInterpreterOutput {
    Logs { logs: String },
    Image { image: ImageOutput },
});

shadow_union!(StepDetailsDelta {
    MessageCreation {
        #[serde(skip_serializing_if = "Option::is_none")]
        message_creation: Option<MessageCreationDelta>,
    },
    ToolCalls {
        #[serde(skip_serializing_if = "Option::is_none")]
        tool_calls: Option<Vec<ToolCallDelta>>,
    },
});

shadow_union!(ToolCallDelta, UnknownDelta {
    CodeInterpreter {
        index: u32,
        #[serde(skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        code_interpreter: Option<CodeInterpreterCallDelta>,
    },
    FileSearch {
        index: u32,
        #[serde(skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        file_search: JsonObject,
    },
    Function {
        index: u32,
        #[serde(skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        function: Option<FunctionCallDelta>,
    },
});

shadow_union!(CodeInterpreterOutputDelta, UnknownDelta {
    Logs {
        index: u32,
        #[serde(skip_serializing_if = "Option::is_none")]
        logs: Option<String>,
    },
    Image {
        index: u32,
        #[serde(skip_serializing_if = "Option::is_none")]
        image: Option<ImageOutputDelta>,
    },
});

use crate::messages::MessageContentInput;
use crate::response_format::ResponseFormatOption;
use crate::tools::ToolChoice;

// The hand-serialized choices: `"auto"` or a format object; a string or an array of parts; a mode
// or a named tool.
const _: () = {
    #[derive(Serialize, Type)]
    #[specta(remote = self::ResponseFormatOption)]
    #[serde(untagged)]
    #[allow(dead_code)]
    enum ResponseFormatOption {
        Auto(AutoLiteral),
        Format(ResponseFormat),
    }

    #[derive(Serialize, Type)]
    #[specta(inline)]
    #[allow(dead_code)]
    enum AutoLiteral {
        #[serde(rename = "auto")]
        Auto,
    }

    #[derive(Serialize, Type)]
    #[specta(remote = self::ToolChoice)]
    #[serde(untagged)]
    #[allow(dead_code)]
    enum ToolChoice {
        Mode(ToolChoiceMode),
        Named(NamedToolChoice),
    }

    #[derive(Serialize, Type)]
    #[specta(remote = self::MessageContentInput)]
    #[serde(untagged)]
    #[allow(dead_code)]
    enum MessageContentInput {
        Text(String),
        Parts(Vec<MessageContentPartInput>),
    }
};

#[cfg(test)]
mod tests {
    use specta::Types;

    use super::*;

    /// The TypeScript of one type and everything it names, as the app's bindings export it.
    fn typescript_of<T: Type>() -> String {
        let types = Types::default().register::<T>();
        specta_typescript::Typescript::default()
            .export(&types, specta_serde::Format)
            .expect("the wire types should export to TypeScript")
    }

    /// Every `type` an open union knows appears in its shadow, so the bindings cannot fall behind
    /// the serde code.
    #[test]
    fn each_shadow_names_every_known_type_of_its_union() {
        fn check<T: Type>(name: &str, known: &[&str]) {
            let described = typescript_of::<T>();
            for tag in known {
                assert!(
                    described.contains(&format!("type: \"{tag}\"")),
                    "{name}'s TypeScript shadow lacks the known type {tag:?}"
                );
            }
        }
        check::<MessageContent>("MessageContent", MessageContent::KNOWN_TYPES);
        check::<Annotation>("Annotation", Annotation::KNOWN_TYPES);
        check::<MessageDeltaContent>("MessageDeltaContent", MessageDeltaContent::KNOWN_TYPES);
        check::<AnnotationDelta>("AnnotationDelta", AnnotationDelta::KNOWN_TYPES);
        check::<AssistantTool>("AssistantTool", AssistantTool::KNOWN_TYPES);
        check::<ChunkingStrategy>("ChunkingStrategy", ChunkingStrategy::KNOWN_TYPES);
        check::<StepDetails>("StepDetails", StepDetails::KNOWN_TYPES);
        check::<ToolCall>("ToolCall", ToolCall::KNOWN_TYPES);
        check::<CodeInterpreterOutput>("CodeInterpreterOutput", CodeInterpreterOutput::KNOWN_TYPES);
        check::<StepDetailsDelta>("StepDetailsDelta", StepDetailsDelta::KNOWN_TYPES);
        check::<ToolCallDelta>("ToolCallDelta", ToolCallDelta::KNOWN_TYPES);
        check::<CodeInterpreterOutputDelta>(
            "CodeInterpreterOutputDelta",
            CodeInterpreterOutputDelta::KNOWN_TYPES,
        );
    }
}
