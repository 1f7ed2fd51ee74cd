using System.Text.Json;
using CdrFunctions.Pipeline.Api;

namespace CdrFunctions.Tests.Api;

/// <summary>openapi/cdr-api.json describes exactly the routes the hosts map.</summary>
public class OpenApiDocumentTests
{
    private static JsonElement Document()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "openapi", "cdr-api.json");
        return JsonDocument.Parse(File.ReadAllText(path)).RootElement.Clone();
    }

    [Fact]
    public void The_document_lists_every_route_and_no_other()
    {
        var documented = Document().GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(m => (m.Name.ToUpperInvariant(), p.Name.TrimStart('/'))))
            .OrderBy(x => x.Item2, StringComparer.Ordinal).ToList();
        var mapped = CdrApiRoutes.All.OrderBy(x => x.Route, StringComparer.Ordinal).ToList();
        Assert.Equal(mapped, documented);
    }

    [Fact]
    public void Every_path_parameter_of_a_route_is_documented_as_one()
    {
        var paths = Document().GetProperty("paths");
        var components = Document().GetProperty("components").GetProperty("parameters");
        foreach (var (_, route) in CdrApiRoutes.All)
        {
            var inRoute = System.Text.RegularExpressions.Regex.Matches(route, @"\{(\w+)\}").Select(m => m.Groups[1].Value).Order().ToList();
            var parameters = paths.GetProperty("/" + route).GetProperty("get").TryGetProperty("parameters", out var ps) ? ps.EnumerateArray().ToList() : [];
            var documented = parameters
                .Select(p => p.TryGetProperty("$ref", out var r) ? components.GetProperty(r.GetString()!.Split('/')[^1]) : p)
                .Where(p => p.GetProperty("in").GetString() == "path")
                .Select(p => p.GetProperty("name").GetString()!).Order().ToList();
            Assert.Equal(inRoute, documented);
        }
    }

    [Fact]
    public void The_servers_use_the_api_prefix_and_the_key_schemes_match_the_key_check()
    {
        var doc = Document();
        Assert.All(doc.GetProperty("servers").EnumerateArray(), s => Assert.EndsWith("/" + CdrApiRoutes.Prefix, s.GetProperty("url").GetString(), StringComparison.Ordinal));
        var schemes = doc.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal(CdrApiRoutes.KeyHeader, schemes.GetProperty("functionKeyHeader").GetProperty("name").GetString());
        Assert.Equal(CdrApiRoutes.KeyQuery, schemes.GetProperty("functionKeyQuery").GetProperty("name").GetString());
    }
}
