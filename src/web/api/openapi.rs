//! The OpenAPI 3.0 description of `/api/v1`.

use axum::Json;
use serde_json::{Value, json};

pub fn spec() -> Value {
    let error = json!({ "$ref": "#/components/responses/Error" });
    json!({
        "openapi": "3.0.3",
        "info": { "title": "Shouhu API", "version": "1.0.0",
                  "description": "Children (read) and visits (list, create exactly once) of one street office, in the caller's scope." },
        "servers": [{ "url": "/" }],
        "security": [{ "bearer": [] }, { "session": [] }],
        "paths": {
            "/api/v1/children": { "get": {
                "operationId": "listChildren", "summary": "Children in the caller's scope",
                "responses": { "200": { "description": "Children", "content": { "application/json": { "schema": { "type": "array", "items": { "$ref": "#/components/schemas/Child" } } } } },
                               "401": error.clone() } } },
            "/api/v1/children/{id}": { "get": {
                "operationId": "getChild", "summary": "One child",
                "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "string", "format": "uuid" } }],
                "responses": { "200": { "description": "The child", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Child" } } } },
                               "401": error.clone(), "404": error.clone() } } },
            "/api/v1/pairings": { "get": {
                "operationId": "listPairings", "summary": "Pairings in the caller's scope",
                "responses": { "200": { "description": "Pairings", "content": { "application/json": { "schema": { "type": "array", "items": { "$ref": "#/components/schemas/Pairing" } } } } },
                               "401": error.clone() } } },
            "/api/v1/activities": { "get": {
                "operationId": "listActivities", "summary": "Activities between two dates (default: the coming 60 days)",
                "parameters": [{ "name": "from", "in": "query", "required": false, "schema": { "type": "string", "format": "date" } },
                               { "name": "to", "in": "query", "required": false, "schema": { "type": "string", "format": "date" } }],
                "responses": { "200": { "description": "Activities", "content": { "application/json": { "schema": { "type": "array", "items": { "$ref": "#/components/schemas/Activity" } } } } },
                               "400": error.clone(), "401": error.clone() } } },
            "/api/v1/reports": { "get": {
                "operationId": "listReports", "summary": "Quarterly reports of the caller's communities (staff and tokens)",
                "parameters": [{ "name": "period", "in": "query", "required": false, "schema": { "type": "string", "pattern": "^[0-9]{4}-Q[1-4]$" } }],
                "responses": { "200": { "description": "Reports", "content": { "application/json": { "schema": { "type": "array", "items": { "$ref": "#/components/schemas/Report" } } } } },
                               "400": error.clone(), "401": error.clone(), "404": error.clone() } } },
            "/api/v1/visits": {
                "get": {
                    "operationId": "listVisits", "summary": "Visits of a child",
                    "parameters": [{ "name": "child_id", "in": "query", "required": true, "schema": { "type": "string", "format": "uuid" } }],
                    "responses": { "200": { "description": "Visits", "content": { "application/json": { "schema": { "type": "array", "items": { "$ref": "#/components/schemas/Visit" } } } } },
                                   "400": error.clone(), "401": error.clone(), "404": error.clone() } },
                "post": {
                    "operationId": "createVisit", "summary": "Record a visit; the client's id makes it exactly once",
                    "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/VisitIn" } } } },
                    "responses": { "201": { "description": "Created", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Visit" } } } },
                                   "200": { "description": "Already recorded (the same visit)", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Visit" } } } },
                                   "400": error.clone(), "401": error.clone(), "403": error.clone(), "404": error.clone(),
                                   "409": error.clone(), "422": error.clone() } } }
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
                "VisitIn": { "type": "object", "required": ["id", "child_id", "kind", "visited_on"], "properties": {
                    "id": { "type": "string", "format": "uuid" }, "child_id": { "type": "string", "format": "uuid" },
                    "kind": { "type": "string", "enum": ["home_visit", "talk", "teacher_contact", "guardian_contact", "letter", "parent_call", "tutoring", "aid_delivery"] },
                    "visited_on": { "type": "string", "format": "date" },
                    "duration_minutes": { "type": "integer", "minimum": 0, "maximum": 1440 },
                    "study": { "type": "integer", "minimum": 1, "maximum": 5 }, "life": { "type": "integer", "minimum": 1, "maximum": 5 },
                    "health": { "type": "integer", "minimum": 1, "maximum": 5 }, "mood": { "type": "integer", "minimum": 1, "maximum": 5 },
                    "notes": { "type": "string" }, "needs": { "type": "string" },
                    "follow_up": { "type": "string", "description": "Something to follow up (with follow_up_due)" },
                    "follow_up_due": { "type": "string", "description": "When the follow-up is due (a date), or empty" },
                    "also_for": { "type": "array", "items": { "type": "string", "format": "uuid" },
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
