using System.Text;
using System.Text.RegularExpressions;

namespace DevOpsAgent.Core.Migrations;

/// <summary>The SQL one revision runs, as alembic's offline mode renders it.</summary>
public sealed record RevisionSql(string Revision, IReadOnlyList<string> Statements);

/// <summary>
/// Reads PostgreSQL scripts such as <c>alembic upgrade --sql</c> prints: split per revision on alembic's
/// <c>-- Running upgrade a -&gt; b</c> lines, then into statements. A semicolon inside a string, a quoted
/// identifier, a dollar-quoted body or a comment does not end a statement, so a function body or a default of
/// <c>'a;b'</c> is never cut in half (squawk parses with PostgreSQL's own parser for the same reason).
/// </summary>
public static partial class SqlScript
{
    /// <summary>
    /// Each revision's statements, in order. What comes before the first marker (alembic's own
    /// <c>CREATE TABLE alembic_version</c> when starting from an empty database) belongs to the first revision.
    /// </summary>
    public static IReadOnlyList<RevisionSql> ByRevision(string script)
    {
        var revisions = new List<(string Id, StringBuilder Sql)>();
        var preamble = new StringBuilder();
        foreach (var line in script.Split('\n'))
        {
            if (RunningUpgrade().Match(line.TrimEnd('\r')) is { Success: true } marker)
            {
                var sql = revisions.Count == 0 ? preamble : new StringBuilder();
                revisions.Add((marker.Groups[1].Value, sql));
                continue;
            }

            (revisions.Count == 0 ? preamble : revisions[^1].Sql).Append(line).Append('\n');
        }

        return [.. revisions.Select(r => new RevisionSql(r.Id, Statements(r.Sql.ToString())))];
    }

    /// <summary>The script's statements without their terminating semicolon, comments removed, whitespace trimmed.</summary>
    public static IReadOnlyList<string> Statements(string script)
    {
        var statements = new List<string>();
        var current = new StringBuilder();
        var i = 0;
        while (i < script.Length)
        {
            var c = script[i];
            var next = i + 1 < script.Length ? script[i + 1] : '\0';
            if (c == '-' && next == '-')
            {
                i = script.IndexOf('\n', i) is var end and >= 0 ? end : script.Length;
                current.Append(' ');
            }
            else if (c == '/' && next == '*')
            {
                i = SkipBlockComment(script, i);
                current.Append(' ');
            }
            else if (c is '\'' or '"')
            {
                var escapes = c == '\'' && i > 0 && script[i - 1] is 'E' or 'e' && (i < 2 || !IsIdentifierChar(script[i - 2]));
                var end = SkipQuoted(script, i, c, escapes);
                current.Append(script, i, end - i);
                i = end;
            }
            else if (c == '$' && DollarTag(script, i) is { } tag)
            {
                var close = script.IndexOf(tag, i + tag.Length, StringComparison.Ordinal);
                var end = close < 0 ? script.Length : close + tag.Length;
                current.Append(script, i, end - i);
                i = end;
            }
            else if (c == ';')
            {
                Flush();
                i++;
            }
            else
            {
                current.Append(c);
                i++;
            }
        }

        Flush();
        return statements;

        void Flush()
        {
            var statement = current.ToString().Trim();
            if (statement.Length > 0)
            {
                statements.Add(statement);
            }

            current.Clear();
        }
    }

    /// <summary>
    /// A statement fit to print: whitespace collapsed, every string literal longer than a few characters cut to
    /// <c>'abc…'</c> (DDL should hold no secret, but a data migration's UPDATE may), and at most 160 characters.
    /// </summary>
    public static string Display(string statement)
    {
        var text = new StringBuilder();
        var i = 0;
        while (i < statement.Length)
        {
            if (statement[i] == '\'')
            {
                var end = SkipQuoted(statement, i, '\'', escapes: false);
                var inner = statement[(i + 1)..Math.Max(i + 1, end - 1)];
                text.Append('\'').Append(inner.Length > 6 ? inner[..3] + "…" : inner).Append('\'');
                i = end;
            }
            else if (statement[i] == '$' && DollarTag(statement, i) is { } tag)
            {
                var close = statement.IndexOf(tag, i + tag.Length, StringComparison.Ordinal);
                text.Append(tag).Append('…').Append(tag);
                i = close < 0 ? statement.Length : close + tag.Length;
            }
            else
            {
                text.Append(statement[i]);
                i++;
            }
        }

        var collapsed = Whitespace().Replace(text.ToString(), " ").Trim();
        return collapsed.Length > 160 ? collapsed[..159] + "…" : collapsed;
    }

    private static int SkipBlockComment(string script, int start)
    {
        // PostgreSQL block comments nest.
        var depth = 0;
        var i = start;
        while (i < script.Length)
        {
            if (script[i] == '/' && i + 1 < script.Length && script[i + 1] == '*')
            {
                depth++;
                i += 2;
            }
            else if (script[i] == '*' && i + 1 < script.Length && script[i + 1] == '/')
            {
                depth--;
                i += 2;
                if (depth == 0)
                {
                    return i;
                }
            }
            else
            {
                i++;
            }
        }

        return script.Length;
    }

    /// <summary>The index just past the closing quote; a doubled quote is an escaped one.</summary>
    private static int SkipQuoted(string script, int start, char quote, bool escapes)
    {
        var i = start + 1;
        while (i < script.Length)
        {
            if (escapes && script[i] == '\\')
            {
                i += 2;
            }
            else if (script[i] == quote)
            {
                if (i + 1 < script.Length && script[i + 1] == quote)
                {
                    i += 2;
                    continue;
                }

                return i + 1;
            }
            else
            {
                i++;
            }
        }

        return script.Length;
    }

    /// <summary><c>$$</c> or <c>$body$</c> at <paramref name="start"/>, but not a positional parameter such as <c>$1</c>.</summary>
    private static string? DollarTag(string script, int start)
    {
        if (start > 0 && IsIdentifierChar(script[start - 1]))
        {
            return null;
        }

        var end = start + 1;
        while (end < script.Length && (char.IsLetter(script[end]) || script[end] == '_' || (end > start + 1 && char.IsDigit(script[end]))))
        {
            end++;
        }

        return end < script.Length && script[end] == '$' ? script[start..(end + 1)] : null;
    }

    private static bool IsIdentifierChar(char c) => char.IsLetterOrDigit(c) || c is '_' or '$';

    [GeneratedRegex(@"^-- Running upgrade .*-> ([0-9A-Za-z_]+)\s*$")]
    private static partial Regex RunningUpgrade();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
