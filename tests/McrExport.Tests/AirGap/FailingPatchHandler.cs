namespace McrExport.Tests.AirGap;

/// <summary>
/// Passes requests through, but makes the <c>failOn</c>-th PATCH fail as if the connection dropped: before it reaches
/// the server, or (<c>afterServer</c>) after the server took the chunk, so the client cannot tell whether it landed.
/// </summary>
public sealed class FailingPatchHandler(int failOn, bool afterServer) : DelegatingHandler(new SocketsHttpHandler { AllowAutoRedirect = false })
{
    private int _patches;

    public List<string> Log { get; } = [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        lock (Log) Log.Add($"{request.Method} {request.RequestUri!.AbsolutePath}");
        var failing = request.Method == HttpMethod.Patch && Interlocked.Increment(ref _patches) == failOn;
        if (failing && !afterServer) throw new HttpRequestException("the connection was reset (injected)");
        var response = await base.SendAsync(request, cancellationToken);
        if (failing)
        {
            response.Dispose();
            throw new HttpRequestException("the connection was reset (injected)");
        }
        return response;
    }
}
