namespace DevOpsAgent.Core.Dotenv;

/// <summary>
/// Interpolates every string of a tree (dictionaries with string keys, lists, scalars), as compose does
/// with a whole compose file; errors name the path (<c>services.web.image</c>).
/// </summary>
public static class TreeInterpolator
{
    public static object? Interpolate(object? tree, Func<string, string?> lookup) => Visit(tree, "", lookup);

    private static object? Visit(object? node, string path, Func<string, string?> lookup) => node switch
    {
        string text => SubstituteAt(text, path, lookup),
        IDictionary<string, object?> map => map.ToDictionary(
            entry => entry.Key, entry => Visit(entry.Value, Join(path, entry.Key), lookup), StringComparer.Ordinal),
        IEnumerable<object?> list => list.Select(item => Visit(item, Join(path, "[]"), lookup)).ToList(),
        _ => node,
    };

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    private static string SubstituteAt(string text, string path, Func<string, string?> lookup)
    {
        try
        {
            return Interpolator.Substitute(text, lookup);
        }
        catch (InterpolationException error) when (error.IsInvalidTemplate)
        {
            throw new InterpolationException(
                $"invalid interpolation format for {path}.\nYou may need to escape any $ with another $.\n{error.Template}",
                error.Template, isInvalidTemplate: true);
        }
        catch (InterpolationException error)
        {
            throw new InterpolationException(
                $"error while interpolating {path}: {error.Message}", error.Template, variable: error.Variable);
        }
    }
}
