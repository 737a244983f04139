namespace McrExport.Registry;

/// <summary>Reads RFC 8288 <c>Link</c> headers: <c>&lt;/v2/name/tags/list?n=100&amp;last=x&gt;; rel="next"</c>.</summary>
public static class LinkHeader
{
    /// <summary>The target of the <c>rel="next"</c> link as a path and query relative to <paramref name="baseUri"/>, or null.
    /// A link to another host is ignored, and the path returned always resolves against the registry's host. Never throws.</summary>
    public static string? NextPath(IEnumerable<string> headerValues, Uri baseUri)
    {
        foreach (var value in headerValues)
        foreach (var link in SplitLinks(value))
        {
            var open = link.IndexOf('<');
            var close = link.IndexOf('>', open + 1);
            if (open < 0 || close < 0) continue;
            var target = link[(open + 1)..close].Trim();
            var parameters = link[(close + 1)..].Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var isNext = parameters.Any(p =>
            {
                var eq = p.IndexOf('=');
                if (eq < 0) return false;
                var name = p[..eq].Trim();
                var rel = p[(eq + 1)..].Trim().Trim('"');
                return name.Equals("rel", StringComparison.OrdinalIgnoreCase)
                       && rel.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains("next", StringComparer.OrdinalIgnoreCase);
            });
            if (!isNext || target.Length == 0) continue;
            if (!Uri.TryCreate(baseUri, target, out var absolute)) continue;
            if (!string.Equals(absolute.Authority, baseUri.Authority, StringComparison.OrdinalIgnoreCase)) continue;
            if (absolute.Scheme != baseUri.Scheme) continue;
            var path = absolute.PathAndQuery.TrimStart('/');
            return path.Split('/')[0].Contains(':') ? "./" + path : path;
        }
        return null;
    }

    private static IEnumerable<string> SplitLinks(string value)
    {
        var start = 0;
        var inAngle = false;
        var inQuote = false;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '<' && !inQuote) inAngle = true;
            else if (c == '>' && !inQuote) inAngle = false;
            else if (c == '"' && !inAngle) inQuote = !inQuote;
            else if (c == ',' && !inAngle && !inQuote)
            {
                yield return value[start..i];
                start = i + 1;
            }
        }
        yield return value[start..];
    }
}
