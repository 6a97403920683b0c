using System.Text.Json.Nodes;

namespace DevOpsAgent.Cli.Mcp;

/// <summary>
/// The tools' output schemas (JSON Schema 2020-12). The deployment document embeds the versioned EXECUTE report,
/// docs/report.schema.json, read from the assembly so the two never drift apart.
/// </summary>
public static class OutputSchemas
{
    private const string Draft = "https://json-schema.org/draft/2020-12/schema";

    public static JsonObject Answer() => Parse("""
        {"type": "object", "required": ["question", "answer", "data"], "properties": {
          "question": {"type": "string", "description": "The kind of question answered: status, required_variables, last_deploy, migration_status, migrations_needed, deployed_where, preflight, logs."},
          "answer": {"type": "string", "description": "The answer for people."},
          "data": {"description": "The same facts for programs; its shape depends on the question."}}}
        """);

    public static JsonObject History() => Parse("""
        {"type": "object", "required": ["detail", "records"], "properties": {
          "detail": {"type": "boolean", "description": "false: one summary per record; true: the full records."},
          "records": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "string"}, "action": {"type": "string"}, "environment": {"type": "string"}, "version": {"type": ["string", "null"]},
            "outcome": {"enum": ["running", "succeeded", "failed", "rolled_back", "refused", "planned"]},
            "started_at": {"type": "string", "format": "date-time"}, "duration_ms": {"type": ["integer", "null"]},
            "task": {"type": ["string", "null"]}, "error": {"type": ["string", "null"], "description": "The first line of the error."}}}}}}
        """);

    public static JsonObject Check() => Parse("""
        {"type": "object", "required": ["passed", "findings"], "properties": {
          "passed": {"type": "boolean", "description": "No finding of severity error."},
          "findings": {"type": "array", "items": {"type": "object", "properties": {
            "rule_id": {"type": "string"}, "severity": {"enum": ["error", "warning"]}, "file": {"type": "string"}, "line": {"type": "integer"},
            "location": {"type": "string"}, "message": {"type": "string"}, "fix": {"type": "string"}}}}}}
        """);

    public static JsonObject Deployment()
    {
        var schema = Parse("""
            {"type": "object", "required": ["deployment_id", "tool", "action", "environment", "state", "steps_done", "started_at"], "properties": {
              "deployment_id": {"type": ["string", "null"], "description": "The handle for deployment_status and cancel_deployment; null for a dry run, which runs nothing."},
              "tool": {"enum": ["execute", "deploy", "rollback"]},
              "action": {"type": "string", "description": "deploy, rollback, restart, migrate, check_migrations or status."},
              "environment": {"type": "string"},
              "task": {"type": ["string", "null"]},
              "state": {"enum": ["running", "finished"]},
              "step": {"type": ["string", "null"], "description": "The step running now, or the last one."},
              "steps_done": {"type": "integer", "minimum": 0},
              "started_at": {"type": "string", "format": "date-time"},
              "finished_at": {"type": ["string", "null"], "format": "date-time"},
              "outcome": {"enum": ["succeeded", "failed", "rolled_back", "refused", "planned", null], "description": "Set once finished: the report's outcome, or planned for a dry run."},
              "error": {"type": ["string", "null"], "description": "Why it failed when there is no report (e.g. the server could not be reached)."},
              "plan": {"type": ["object", "null"], "description": "A dry run's plan: the commands the deploy would run, nothing run.", "properties": {
                "target": {"type": "string"}, "commands": {"type": "array", "items": {"type": "string"}}}},
              "report": {"description": "The EXECUTE report (docs/report.schema.json, schema_version 1) once finished."}}}
            """);
        var report = ReportSchema();
        schema["properties"]!["report"] = new JsonObject { ["description"] = "The EXECUTE report (docs/report.schema.json) once finished.", ["anyOf"] = new JsonArray(new JsonObject { ["type"] = "null" }, report) };
        return schema;
    }

    /// <summary>docs/report.schema.json without its $schema and $id, to be embedded.</summary>
    public static JsonObject ReportSchema()
    {
        using var stream = typeof(OutputSchemas).Assembly.GetManifestResourceStream("report.schema.json")
            ?? throw new InvalidOperationException("report.schema.json is not embedded in the assembly.");
        var report = JsonNode.Parse(stream)!.AsObject();
        report.Remove("$schema");
        report.Remove("$id");
        return report;
    }

    private static JsonObject Parse(string json)
    {
        var schema = JsonNode.Parse(json)!.AsObject();
        schema.Insert(0, "$schema", Draft);
        return schema;
    }
}
