namespace K3s.ApiServer.Tables;

/// <summary>Ages as kubectl shows them ("45s", "3m12s", "5h", "2d3h"), by the upstream rounding rules.</summary>
public static class HumanDuration
{
    public static string Format(TimeSpan age)
    {
        if (age < TimeSpan.FromSeconds(-1))
            return "<invalid>";
        if (age < TimeSpan.Zero)
            return "0s";
        var seconds = (long)age.TotalSeconds;
        if (seconds < 120)
            return $"{seconds}s";
        var minutes = seconds / 60;
        if (minutes < 10)
            return seconds % 60 == 0 ? $"{minutes}m" : $"{minutes}m{seconds % 60}s";
        if (minutes < 180)
            return $"{minutes}m";
        var hours = minutes / 60;
        if (hours < 8)
            return minutes % 60 == 0 ? $"{hours}h" : $"{hours}h{minutes % 60}m";
        if (hours < 48)
            return $"{hours}h";
        var days = hours / 24;
        if (hours < 24 * 8)
            return hours % 24 == 0 ? $"{days}d" : $"{days}d{hours % 24}h";
        if (days < 365 * 2)
            return $"{days}d";
        var years = days / 365;
        if (years < 8)
            return days % 365 == 0 ? $"{years}y" : $"{years}y{days % 365}d";
        return $"{years}y";
    }
}
