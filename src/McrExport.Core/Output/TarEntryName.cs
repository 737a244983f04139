using McrExport.Errors;

namespace McrExport.Output;

/// <summary>
/// The rules for names inside the archives this tool writes: relative, forward slashes, no <c>.</c> or <c>..</c>
/// components, no empty components, printable characters only. A directory name may end with one <c>/</c>.
/// </summary>
public static class TarEntryName
{
    /// <summary>Throws <see cref="UnsafePathException"/> when <paramref name="name"/> breaks a rule.</summary>
    public static void Validate(string name)
    {
        if (string.IsNullOrEmpty(name)) throw new UnsafePathException(name ?? "", "it is empty");
        if (name[0] == '/') throw new UnsafePathException(name, "it is absolute");
        if (name.Contains('\\')) throw new UnsafePathException(name, "it contains a backslash");
        if (name.Length >= 2 && name[1] == ':' && char.IsAsciiLetter(name[0])) throw new UnsafePathException(name, "it has a drive letter");
        if (name.Any(c => char.IsControl(c))) throw new UnsafePathException(name, "it contains a control character");
        var trimmed = name.EndsWith('/') ? name[..^1] : name;
        foreach (var component in trimmed.Split('/'))
        {
            if (component.Length == 0) throw new UnsafePathException(name, "it has an empty component");
            if (component is "." or "..") throw new UnsafePathException(name, $"it has a '{component}' component");
        }
    }
}
