using System.Globalization;
using System.Text;

namespace DevOpsAgent.Core.Dotenv;

/// <summary>
/// Reads .env files with docker compose's semantics (a port of compose-go's dotenv parser): <c>export</c>,
/// <c>KEY=value</c> and <c>KEY: value</c>, comments and inline comments (<c> #</c> after an unquoted
/// value), single quotes (literal, only <c>\'</c> escapes), double quotes (POSIX escapes, then
/// interpolation), multi-line quoted values, bare <c>KEY</c> inheriting from the environment.
/// </summary>
public static class DotenvParser
{
    /// <summary>
    /// Parses <paramref name="content"/>. Interpolation looks <paramref name="lookup"/> (the process
    /// environment, in compose) up first, then keys assigned earlier (in this file or in
    /// <paramref name="earlier"/>, the files read before it).
    /// </summary>
    public static DotenvFile Parse(
        string content, string path, Func<string, string?>? lookup = null, IReadOnlyDictionary<string, string>? earlier = null)
    {
        var reader = new Reader(content, path, lookup ?? (_ => null), earlier);
        return new DotenvFile(path, reader.ReadAll());
    }

    /// <summary>Several files read in order into one map, as compose reads a service's env_file list.</summary>
    public static IReadOnlyDictionary<string, string> ParseAll(
        IEnumerable<(string Path, string Content)> files, Func<string, string?>? lookup = null)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (path, content) in files)
        {
            foreach (var entry in Parse(content, path, lookup, values).Entries)
            {
                values[entry.Key] = entry.Value;
            }
        }

        return values;
    }

    private sealed class Reader(string content, string path, Func<string, string?> lookup, IReadOnlyDictionary<string, string>? earlier)
    {
        private readonly string _src = content.Replace("\r\n", "\n", StringComparison.Ordinal).TrimStart('\uFEFF');
        private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
        private int _pos;
        private int _line = 1;

        public List<DotenvEntry> ReadAll()
        {
            var entries = new List<DotenvEntry>();
            while (SkipToStatement())
            {
                var line = _line;
                var (key, inherited) = ReadKey();
                if (key.Contains(' ', StringComparison.Ordinal))
                {
                    throw Error(line, "key cannot contain a space");
                }

                if (inherited)
                {
                    if (lookup(key) is { } inheritedValue)
                    {
                        Add(entries, new DotenvEntry(key, inheritedValue, line));
                    }

                    continue;
                }

                Add(entries, new DotenvEntry(key, ReadValue(line), line));
            }

            return entries;
        }

        private void Add(List<DotenvEntry> entries, DotenvEntry entry)
        {
            entries.Add(entry);
            _values[entry.Key] = entry.Value;
        }

        /// <summary>Skips blank space and comment lines; false at the end of the input.</summary>
        private bool SkipToStatement()
        {
            while (true)
            {
                while (_pos < _src.Length && char.IsWhiteSpace(_src[_pos]))
                {
                    if (_src[_pos] == '\n')
                    {
                        _line++;
                    }

                    _pos++;
                }

                if (_pos >= _src.Length)
                {
                    return false;
                }

                if (_src[_pos] != '#')
                {
                    return true;
                }

                var newline = _src.IndexOf('\n', _pos);
                if (newline < 0)
                {
                    _pos = _src.Length;
                    return false;
                }

                _pos = newline;
            }
        }

        private (string Key, bool Inherited) ReadKey()
        {
            if (_src.AsSpan(_pos).StartsWith("export") && _pos + 6 < _src.Length && char.IsWhiteSpace(_src[_pos + 6]))
            {
                _pos += 6;
                SkipSpaces();
            }

            var start = _pos;
            for (var i = _pos; i < _src.Length; i++)
            {
                var c = _src[i];
                if (IsSpace(c))
                {
                    continue;
                }

                switch (c)
                {
                    case '=' or ':' or '\n':
                        var key = _src[start..i].TrimEnd();
                        _pos = i + 1;
                        var inherited = c == '\n';
                        if (inherited && !key.Contains(' ', StringComparison.Ordinal))
                        {
                            _line++;
                        }

                        SkipSpaces();
                        return (key, inherited);
                    case '_' or '.' or '-' or '[' or ']':
                        continue;
                    default:
                        if (char.IsLetterOrDigit(c) || char.IsSurrogate(c) || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber)
                        {
                            continue;
                        }

                        throw Error(_line, $"unexpected character \"{c}\" in variable name \"{KeyPart(start)}\"");
                }
            }

            // A bare key on the last line, without a newline: inherited, like one followed by a newline.
            _pos = _src.Length;
            return (_src[start..].TrimEnd(), true);
        }

        /// <summary>The offending line up to its first '=' or ':' — compose prints the whole line, values included.</summary>
        private string KeyPart(int start)
        {
            var end = _src.IndexOfAny(['=', ':', '\n'], start);
            return _src[start..(end < 0 ? _src.Length : end)];
        }

        private string ReadValue(int keyLine)
        {
            if (_pos >= _src.Length || (_src[_pos] != '"' && _src[_pos] != '\''))
            {
                var newline = _src.IndexOf('\n', _pos);
                var raw = newline < 0 ? _src[_pos..] : _src[_pos..newline];
                _pos = newline < 0 ? _src.Length : newline + 1;
                _line++;
                var comment = raw.IndexOf(" #", StringComparison.Ordinal);
                if (comment >= 0)
                {
                    raw = raw[..comment];
                }

                return Expand(raw.TrimEnd(), keyLine);
            }

            var quote = _src[_pos];
            var chars = new StringBuilder();
            var escaped = false;
            for (var i = _pos + 1; i < _src.Length; i++)
            {
                var c = _src[i];
                if (c == '\n')
                {
                    _line++;
                }

                if (c != quote)
                {
                    if (!escaped && c == '\\')
                    {
                        escaped = true;
                        continue;
                    }

                    if (escaped)
                    {
                        escaped = false;
                        chars.Append('\\');
                    }

                    chars.Append(c);
                    continue;
                }

                if (escaped)
                {
                    escaped = false;
                    chars.Append(c);
                    continue;
                }

                _pos = i + 1;
                var value = chars.ToString();
                return quote == '"' ? Expand(DotenvEscapes.Expand(value), keyLine) : value;
            }

            throw Error(_line, "unterminated quoted value");
        }

        private string Expand(string value, int line)
        {
            try
            {
                return Interpolator.Substitute(value, name =>
                    lookup(name) ?? (_values.TryGetValue(name, out var own) ? own : null)
                    ?? (earlier is not null && earlier.TryGetValue(name, out var previous) ? previous : null));
            }
            catch (InterpolationException error)
            {
                throw Error(line, error.SafeReason);
            }
        }

        private void SkipSpaces()
        {
            while (_pos < _src.Length && IsSpace(_src[_pos]))
            {
                _pos++;
            }
        }

        private static bool IsSpace(char c) => c is '\t' or '\v' or '\f' or '\r' or ' ' or '\u0085' or '\u00A0';

        private DotenvException Error(int line, string reason) => new(path, line, reason);
    }
}
