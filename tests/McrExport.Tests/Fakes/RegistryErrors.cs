using System.Security;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace McrExport.Tests.Fakes;

/// <summary>Writes registry error answers in JSON (<c>{"errors":[…]}</c>) or MCR-style XML.</summary>
public static class RegistryErrors
{
    public const string BlobUnknown = "BLOB_UNKNOWN";
    public const string ManifestUnknown = "MANIFEST_UNKNOWN";
    public const string NameUnknown = "NAME_UNKNOWN";
    public const string Unauthorized = "UNAUTHORIZED";
    public const string Denied = "DENIED";
    public const string TooManyRequests = "TOOMANYREQUESTS";
    public const string Unavailable = "UNAVAILABLE";

    public static string XmlCodeOf(string code) => code switch
    {
        BlobUnknown => "BlobNotFound",
        ManifestUnknown => "ManifestNotFound",
        NameUnknown => "RepositoryNotFound",
        Unauthorized => "Unauthorized",
        Denied => "Forbidden",
        TooManyRequests => "TooManyRequests",
        Unavailable => "ServiceUnavailable",
        _ => code,
    };

    public static string JsonBody(string code, string message) =>
        JsonSerializer.Serialize(new { errors = new[] { new { code, message } } });

    public static string XmlBody(string code, string message) =>
        $"<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>{SecurityElement.Escape(XmlCodeOf(code))}</Code><Message>{SecurityElement.Escape(message)}</Message></Error>";

    public static async Task WriteAsync(HttpContext context, int status, string code, string message, RegistryErrorStyle style)
    {
        var response = context.Response;
        response.StatusCode = status;
        var xml = style == RegistryErrorStyle.Xml;
        var body = xml ? XmlBody(code, message) : JsonBody(code, message);
        response.ContentType = xml ? "application/xml" : "application/json; charset=utf-8";
        var bytes = System.Text.Encoding.UTF8.GetBytes(body);
        response.ContentLength = bytes.Length;
        if (!HttpMethods.IsHead(context.Request.Method)) await response.Body.WriteAsync(bytes, context.RequestAborted);
    }
}
