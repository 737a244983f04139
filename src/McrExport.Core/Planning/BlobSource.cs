using McrExport.Registry;

namespace McrExport.Planning;

/// <summary>Where a blob's bytes can come from.</summary>
public abstract record BlobSource
{
    /// <summary>A short description for progress and errors (a host name).</summary>
    public abstract string Describe();
}

/// <summary>The registry the image came from (credentials apply).</summary>
public sealed record RegistryBlobSource(RegistryClient Client, string Repository) : BlobSource
{
    public override string Describe() => Client.Registry;
}

/// <summary>One of a foreign layer's <c>urls</c> (no credentials are ever sent there).</summary>
public sealed record UrlBlobSource(string Url) : BlobSource
{
    public override string Describe() => Uri.TryCreate(Url, UriKind.Absolute, out var u) ? u.Host : Url;
}
