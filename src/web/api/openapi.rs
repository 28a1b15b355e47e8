//! The OpenAPI 3.0 description of `/api/v1`.

use axum::Json;
use serde_json::{Value, json};

use super::paging::MAX_LIMIT;
use super::types::MAX_ALSO_FOR;
use crate::domain::visit::VISIT_KINDS;

pub fn spec() -> Value {
    let error = json!({ "$ref": "#/components/responses/Error" });
    let limit = json!({ "name": "limit", "in": "query", "required": false,
        "description": "Rows per page (default 100)",
        "schema": { "type": "integer", "minimum": 1, "maximum": MAX_LIMIT } });
    let cursor = json!({ "name": "cursor", "in": "query", "required": false,
        "description": "Where the previous page ended: the cursor of its Link header",
        "schema": { "type": "string", "format": "uuid" } });
    let link = json!({ "Link": { "description": "The next page, when there is one: `<address>; rel=\"next\"`",
        "schema": { "type": "string" } } });
    // Free text: any characters but NUL.
    let text =
        |max: usize| json!({ "type": "string", "maxLength": max, "pattern": "^[^\\u0000]*$" });
    json!({
        "openapi": "3.0.3",
        "info": { "title": "Shouhu API", "version": "1.0.0",
                  "description": "Children (read) and visits (list, create exactly once) of one street office, in the caller's scope." },
        "servers": [{ "url": "/" }],
        "security": [{ "bearer": [] }, { "session": [] }],
        "paths": {
            "/api/v1/children": { "get": {
                "operationId": "listChildren", "summary": "Children in the caller's scope",
                "parameters": [limit.clone(), cursor.clone()],
                "responses": { "200": { "description": "Children", "headers": link.clone(), "content": { "application/json": { "schema": { "type": "array", "items": { "$ref": "#/components/schemas/Child" } } } },
                                        "links": { "FirstChild": { "operationId": "getChild", "parameters": { "id": "$response.body#/0/id" } } } },
                               "401": error.clone(), "default": error.clone() } } },
            "/api/v1/children/{id}": { "get": {
                "operationId": "getChild", "summary": "One child",
                "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } }],
                "responses": { "200": { "description": "The child", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Child" } } },
                                        "links": { "ItsVisits": { "operationId": "listVisits", "parameters": { "child_id": "$response.body#/id" } },
                                                   "AVisit": { "operationId": "createVisit", "requestBody": { "child_id": "$response.body#/id" } } } },
                               "401": error.clone(), "404": error.clone(), "default": error.clone() } } },
            "/api/v1/pairings": { "get": {
                "operationId": "listPairings", "summary": "Pairings in the caller's scope",
                "parameters": [limit.clone(), cursor.clone()],
                "responses": { "200": { "description": "Pairings", "headers": link.clone(), "content": { "application/json": { "schema": { "type": "array", "items": { "$ref": "#/components/schemas/Pairing" } } } } },
                               "401": error.clone(), "default": error.clone() } } },
            "/api/v1/activities": { "get": {
                "operationId": "listActivities", "summary": "Activities between two dates (default: the coming 60 days; to before from holds none)",
                "parameters": [{ "name": "from", "in": "query", "required": false, "schema": { "type": "string", "format": "date" } },
                               { "name": "to", "in": "query", "required": false, "schema": { "type": "string", "format": "date" } },
                               limit.clone(), cursor.clone()],
                "responses": { "200": { "description": "Activities", "headers": link.clone(), "content": { "application/json": { "schema": { "type": "array", "items": { "$ref": "#/components/schemas/Activity" } } } } },
                               "400": error.clone(), "401": error.clone(), "default": error.clone() } } },
            "/api/v1/reports": { "get": {
                "operationId": "listReports", "summary": "Quarterly reports of the caller's communities (staff and tokens)",
                "parameters": [{ "name": "period", "in": "query", "required": false, "schema": { "type": "string", "pattern": "^(20[0-9]{2}|2100)-Q[1-4]$" } }],
                "responses": { "200": { "description": "Reports", "content": { "application/json": { "schema": { "type": "array", "items": { "$ref": "#/components/schemas/Report" } } } } },
                               "400": error.clone(), "401": error.clone(), "404": error.clone(), "default": error.clone() } } },
            "/api/v1/visits": {
                "get": {
                    "operationId": "listVisits", "summary": "Visits of a child",
                    "parameters": [{ "name": "child_id", "in": "query", "required": true, "schema": { "type": "string", "format": "uuid" } },
                                   limit.clone(), cursor.clone()],
                    "responses": { "200": { "description": "Visits", "headers": link.clone(), "content": { "application/json": { "schema": { "type": "array", "items": { "$ref": "#/components/schemas/Visit" } } } } },
                                   "400": error.clone(), "401": error.clone(), "404": error.clone(), "default": error.clone() } },
                "post": {
                    "operationId": "createVisit", "summary": "Record a visit; the client's id makes it exactly once",
                    "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/VisitIn" } } } },
                    "responses": { "201": { "description": "Created", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Visit" } } },
                                                   "links": { "TheChildsVisits": { "operationId": "listVisits", "parameters": { "child_id": "$response.body#/child_id" } } } },
                                   "200": { "description": "Already recorded (the same visit)", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Visit" } } } },
                                   "400": error.clone(), "401": error.clone(), "403": error.clone(), "404": error.clone(),
                                   "409": error.clone(), "422": error.clone(), "default": error.clone() } } }
        },
        "components": {
            "securitySchemes": {
                "bearer": { "type": "http", "scheme": "bearer", "description": "A personal access token created by a street admin" },
                "session": { "type": "apiKey", "in": "cookie", "name": "shouhu_session" }
            },
            "responses": { "Error": { "description": "An error", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } } },
            "schemas": {
                "Error": { "type": "object", "required": ["error"], "properties": { "error": { "type": "object", "required": ["code", "message"],
                    "properties": { "code": { "type": "string" }, "message": { "type": "string" } } } } },
                "Child": { "type": "object", "required": ["id", "name", "grade", "school"], "properties": {
                    "id": { "type": "string", "format": "uuid" }, "name": { "type": "string" }, "grade": { "type": "string" },
                    "school": { "type": "string" }, "community": { "type": "string" }, "status": { "type": "string" },
                    "complete": { "type": "boolean" } } },
                "VisitIn": { "type": "object", "additionalProperties": false, "required": ["id", "child_id", "kind", "visited_on"],
                    "description": "A visit. Its date must lie within the last 365 days, not after today (in China, UTC+8), and for a volunteer within the pairing (422 date_out_of_range, before_pairing, pairing_ended). A follow-up needs a due date, today or later.",
                    "anyOf": [{ "properties": { "follow_up": { "pattern": "^\\s*$" } } },
                              { "required": ["follow_up_due"], "properties": { "follow_up_due": { "format": "date" } } }],
                    "properties": {
                    "id": { "type": "string", "format": "uuid", "description": "Made by the client: the same visit sent again is the same visit" },
                    "child_id": { "type": "string", "format": "uuid" },
                    "kind": { "type": "string", "enum": VISIT_KINDS },
                    "visited_on": { "type": "string", "format": "date" },
                    "duration_minutes": { "type": "integer", "minimum": 0, "maximum": 1440, "nullable": true },
                    "study": { "type": "integer", "minimum": 1, "maximum": 5, "nullable": true }, "life": { "type": "integer", "minimum": 1, "maximum": 5, "nullable": true },
                    "health": { "type": "integer", "minimum": 1, "maximum": 5, "nullable": true }, "mood": { "type": "integer", "minimum": 1, "maximum": 5, "nullable": true },
                    "notes": text(2000), "needs": text(1000),
                    "follow_up": text(1000),
                    "follow_up_due": { "type": "string", "description": "When the follow-up is due (a date, today or later), or empty",
                                       "anyOf": [{ "format": "date" }, { "maxLength": 0 }] },
                    "also_for": { "type": "array", "maxItems": MAX_ALSO_FOR, "items": { "type": "string", "format": "uuid" },
                                  "description": "Other children the same visit covered (siblings visited together)" } } },
                "Pairing": { "type": "object", "required": ["id", "child_id", "child_name", "volunteer_name", "community", "started_on"], "properties": {
                    "id": { "type": "string", "format": "uuid" }, "child_id": { "type": "string", "format": "uuid" },
                    "child_name": { "type": "string" }, "volunteer_name": { "type": "string" }, "community": { "type": "string" },
                    "started_on": { "type": "string", "format": "date" }, "ended_on": { "type": "string", "format": "date", "nullable": true } } },
                "Activity": { "type": "object", "required": ["id", "title", "kind", "starts_at", "ends_at", "status", "person_times"], "properties": {
                    "id": { "type": "string", "format": "uuid" }, "title": { "type": "string" }, "kind": { "type": "string" },
                    "starts_at": { "type": "string", "format": "date-time" }, "ends_at": { "type": "string", "format": "date-time" },
                    "place": { "type": "string" }, "community": { "type": "string", "nullable": true }, "status": { "type": "string" },
                    "person_times": { "type": "integer" } } },
                "Report": { "type": "object", "required": ["community_id", "community", "period", "status", "figures"], "properties": {
                    "community_id": { "type": "string", "format": "uuid" }, "community": { "type": "string" },
                    "period": { "type": "string" }, "status": { "type": "string", "enum": ["draft", "submitted", "returned", "approved"] },
                    "figures": { "type": "object", "additionalProperties": true } } },
                "Visit": { "type": "object", "required": ["id", "child_id", "kind", "visited_on", "duration_minutes", "notes", "needs"], "properties": {
                    "id": { "type": "string", "format": "uuid" }, "child_id": { "type": "string", "format": "uuid" },
                    "kind": { "type": "string" }, "visited_on": { "type": "string", "format": "date" },
                    "duration_minutes": { "type": "integer" },
                    "study": { "type": "integer", "nullable": true }, "life": { "type": "integer", "nullable": true },
                    "health": { "type": "integer", "nullable": true }, "mood": { "type": "integer", "nullable": true },
                    "notes": { "type": "string" }, "needs": { "type": "string" } } }
            }
        }
    })
}

pub async fn document() -> Json<Value> {
    Json(spec())
}
