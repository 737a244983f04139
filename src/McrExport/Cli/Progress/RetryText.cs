using System.Globalization;

namespace McrExport.Cli.Progress;

/// <summary>How a retry is written everywhere: <c>retrying in 4 s (2/5): connection to host refused</c>.</summary>
public static class RetryText
{
    public static string Of(TimeSpan delay, int attempt, int maxRetries, string reason) =>
        $"retrying in {Seconds(delay)} s ({attempt}/{maxRetries}): {reason}";

    private static string Seconds(TimeSpan delay) =>
        delay.TotalSeconds < 10 ? delay.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) : delay.TotalSeconds.ToString("0", CultureInfo.InvariantCulture);
}
