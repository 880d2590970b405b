//! Assistants: create, retrieve, modify, delete, list.

use hearth_store::new_id;
use hearth_wire::{
    Assistant, AssistantDeleted, AssistantTag, CreateAssistantRequest, IdPrefix, ListQuery,
    ListResponse, ModifyAssistantRequest, Validate,
};

use crate::engine::{Engine, now};
use crate::error::{EngineError, EngineResult};

impl Engine {
    /// `POST /assistants`
    pub fn create_assistant(&self, request: CreateAssistantRequest) -> EngineResult<Assistant> {
        request.validate()?;
        let assistant = Assistant {
            id: new_id(IdPrefix::Assistant.as_str()),
            object: AssistantTag,
            created_at: now(),
            name: request.name,
            description: request.description,
            model: request.model,
            instructions: request.instructions,
            tools: request.tools,
            tool_resources: self.resolve_tool_resources(
                request.tool_resources,
                crate::resources::Owner::Assistant,
            )?,
            metadata: Some(request.metadata.unwrap_or_default()),
            temperature: request.temperature.or(Some(1.0)),
            top_p: request.top_p.or(Some(1.0)),
            response_format: request
                .response_format
                .or(Some(hearth_wire::ResponseFormatOption::Auto)),
        };
        self.store().insert_assistant(&assistant)?;
        Ok(assistant)
    }

    /// `GET /assistants/{assistant_id}`
    pub fn get_assistant(&self, assistant_id: &str) -> EngineResult<Assistant> {
        IdPrefix::Assistant.check("assistant_id", assistant_id)?;
        self.store()
            .get_assistant(assistant_id)?
            .ok_or_else(|| EngineError::not_found("assistant", assistant_id))
    }

    /// `POST /assistants/{assistant_id}`: fields present in the request replace the stored ones.
    pub fn modify_assistant(
        &self,
        assistant_id: &str,
        request: ModifyAssistantRequest,
    ) -> EngineResult<Assistant> {
        request.validate()?;
        let mut assistant = self.get_assistant(assistant_id)?;
        if let Some(model) = request.model {
            assistant.model = model;
        }
        if let Some(name) = request.name {
            assistant.name = name;
        }
        if let Some(description) = request.description {
            assistant.description = description;
        }
        if let Some(instructions) = request.instructions {
            assistant.instructions = instructions;
        }
        if let Some(tools) = request.tools {
            assistant.tools = tools;
        }
        if let Some(resources) = request.tool_resources {
            assistant.tool_resources = resources;
        }
        if let Some(metadata) = request.metadata {
            assistant.metadata = Some(metadata.unwrap_or_default());
        }
        if let Some(temperature) = request.temperature {
            assistant.temperature = temperature;
        }
        if let Some(top_p) = request.top_p {
            assistant.top_p = top_p;
        }
        if let Some(format) = request.response_format {
            assistant.response_format = format;
        }
        self.store().update_assistant(&assistant)?;
        Ok(assistant)
    }

    /// `DELETE /assistants/{assistant_id}`
    pub fn delete_assistant(&self, assistant_id: &str) -> EngineResult<AssistantDeleted> {
        IdPrefix::Assistant.check("assistant_id", assistant_id)?;
        if !self.store().delete_assistant(assistant_id)? {
            return Err(EngineError::not_found("assistant", assistant_id));
        }
        Ok(AssistantDeleted::new(assistant_id))
    }

    /// `GET /assistants`
    pub fn list_assistants(&self, query: &ListQuery) -> EngineResult<ListResponse<Assistant>> {
        crate::lists::check_query(query)?;
        Ok(self.store().list_assistants(query)?)
    }
}
