using System.Net;
using System.Reflection;
using System.Text.Json;
using CdrFunctions.Cli.Commands;
using CdrFunctions.Pipeline.Api;
using CdrFunctions.Pipeline.Lookup;
using CdrFunctions.Pipeline.Normalize;
using CdrFunctions.Pipeline.Pull;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace CdrFunctions.Functions.Tests;

/// <summary>
/// Each HTTP function, invoked with a real <see cref="HttpRequest"/> (route values, query, headers), answers
/// exactly as the <c>cdr run</c> host answers the same request: status, the handler's headers and the body.
/// </summary>
[Collection(FunctionsAppCollection.Name)]
public sealed class HttpFunctionParityTests(FunctionsAppFixture fixture)
{
    private const string Key = "parity-test-key";
    private static readonly DateTimeOffset From = FunctionsAppFixture.StartFrom;
    private static readonly DateTimeOffset To = From.AddHours(3);

    /// <summary>Headers a server adds on its own; everything else must match.</summary>
    private static readonly HashSet<string> ServerHeaders = new(["Date", "Server", "Transfer-Encoding", "Content-Length"], StringComparer.OrdinalIgnoreCase);

    [Fact]
    public async Task Every_route_answers_as_the_local_host_does_including_errors_and_paging()
    {
        await fixture.ResetStorageAsync();
        var settings = fixture.Settings();
        // The local host's own timers and poller stay idle: the two hosts must read the same data.
        foreach (var schedule in settings.Keys.Where(k => k.EndsWith(":Schedule", StringComparison.Ordinal)).ToList())
        {
            settings[schedule] = "0 0 0 1 1 *";
        }
        settings["Run:ApiKey"] = Key;
        settings["Run:PollInterval"] = "01:00:00";
        // One fixed clock for both hosts: the status route reports it and the lag behind it.
        var clock = new FakeTimeProvider(FunctionsAppFixture.Now);
        using var functionsHost = FunctionsAppHost.Build(settings, s => s.AddSingleton<TimeProvider>(clock));
        await SeedAsync(functionsHost);
        await using var local = RunCommand.Build("http://127.0.0.1:0", settings, s => s.AddSingleton<TimeProvider>(clock));
        await local.StartAsync();
        var address = new Uri(local.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
        using var client = new HttpClient { BaseAddress = address };

        var sample = fixture.Simulation("alotech").SampleCallId(From, To)!;
        var lookup = functionsHost.Services.GetRequiredService<CallLookup>();
        var call = await lookup.GetAsync("alotech", sample, CancellationToken.None);
        // The number with more than one call in the range (the line the calls came in on), so there is a second page.
        string? paged = null;
        foreach (var candidate in new[] { call!.FromNumber, call.ToNumber }.OfType<string>())
        {
            if ((await lookup.ListByNumberAsync(candidate, From, To, null, 1, null, CancellationToken.None)).ContinuationToken is not null)
            {
                paged = candidate;
            }
        }
        var number = Uri.EscapeDataString(paged ?? throw new Xunit.Sdk.XunitException("no number of the sample call has two calls"));
        var range = $"from={From:yyyy-MM-ddTHH:mm:ssZ}&to={To:yyyy-MM-ddTHH:mm:ssZ}";
        var requests = new List<string>
        {
            $"api/calls/alotech/{sample}",
            "api/calls/alotech/no-such-call",
            "api/calls/nosuchvendor/123",
            $"api/calls/alotech/{sample}?live=maybe",
            $"api/calls?number={number}&{range}",
            $"api/calls?number={number}&{range}&limit=1",
            "api/calls",
            $"api/calls?number={number}&from=yesterday",
            $"api/calls?number={number}&limit=0",
            "api/status",
            // The one generic webhook: DeepCall's activation check, a vendor without a webhook, an unknown vendor, a wrong old-form secret.
            "api/webhooks/deepcall",
            "api/webhooks/alotech",
            "api/webhooks/nosuchvendor",
            "api/webhooks/deepcall/not-the-secret",
        };
        var compared = new List<int>();
        for (var i = 0; i < requests.Count; i++)
        {
            var (status, headers, body) = await LocalAsync(client, requests[i]);
            var function = await FunctionAsync(functionsHost, address, requests[i]);
            Assert.True(status == function.Status, $"{requests[i]}: local {status}, function {function.Status}\n{body}\n{function.Body}");
            Assert.Equal(headers, function.Headers);
            Assert.Equal(body, function.Body);
            compared.Add(status);
            // Follow the first page's continuation token once: paging must agree too.
            if (requests[i].EndsWith("&limit=1", StringComparison.Ordinal) && ContinuationOf(body) is { } token)
            {
                requests.Insert(i + 1, $"{requests[i]}&continuationToken={Uri.EscapeDataString(token)}");
            }
        }
        Assert.Equal(15, requests.Count); // the continuation was followed
        Assert.Contains(200, compared);
        Assert.Contains(400, compared);
        Assert.Contains(404, compared);

        // Keys: the local host checks them itself (401 problem+json); in Azure the Functions host does, at level Function.
        var (unauthorized, unauthorizedHeaders, unauthorizedBody) = await LocalAsync(client, "api/status", key: null);
        Assert.Equal(401, unauthorized);
        Assert.Equal("application/problem+json", unauthorizedHeaders["Content-Type"]);
        Assert.Equal(401, JsonDocument.Parse(unauthorizedBody).RootElement.GetProperty("status").GetInt32());
        Assert.All(FunctionMethods.All.Select(FunctionMethods.Trigger<HttpTriggerAttribute>).OfType<HttpTriggerAttribute>(),
            t => Assert.Equal(AuthorizationLevel.Function, t.AuthLevel));
        await local.StopAsync();
    }

    private static async Task SeedAsync(IHost host)
    {
        await host.Services.GetRequiredService<PullRunner>().BackfillAsync("alotech", From, To, null, CancellationToken.None);
        var normalizer = host.Services.GetRequiredService<Normalizer>();
        foreach (var blob in await normalizer.ListRawBlobsAsync("alotech", From, To, CancellationToken.None))
        {
            await normalizer.NormalizeAsync(blob, CancellationToken.None);
        }
    }

    private static async Task<(int Status, SortedDictionary<string, string> Headers, string Body)> LocalAsync(HttpClient client, string pathAndQuery, string? key = Key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        if (key is not null)
        {
            request.Headers.Add(CdrApiRoutes.KeyHeader, key);
        }
        using var response = await client.SendAsync(request);
        var headers = new SortedDictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!ServerHeaders.Contains(name))
            {
                headers[name] = string.Join(",", values);
            }
        }
        return ((int)response.StatusCode, headers, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The function whose route matches, invoked as the worker's ASP.NET Core integration would.</summary>
    private static async Task<(int Status, SortedDictionary<string, string> Headers, string Body)> FunctionAsync(IHost host, Uri address, string pathAndQuery)
    {
        var uri = new Uri(address, pathAndQuery);
        var path = uri.AbsolutePath["/api/".Length..];
        var (method, routeValues) = FunctionMethods.All
            .Select(m => (Method: m, Trigger: FunctionMethods.Trigger<HttpTriggerAttribute>(m)))
            .Where(t => t.Trigger is not null && t.Trigger.Methods!.Contains("get", StringComparer.OrdinalIgnoreCase))
            .Select(t => (t.Method, Values: Match(t.Trigger!.Route!, path)))
            .Single(t => t.Values is not null);

        await using var scope = host.Services.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Method = "GET";
        context.Request.Scheme = uri.Scheme;
        context.Request.Host = new HostString(uri.Authority);
        context.Request.Path = uri.AbsolutePath;
        context.Request.QueryString = new QueryString(uri.Query);
        context.Request.Headers[CdrApiRoutes.KeyHeader] = Key;
        context.Request.RouteValues = routeValues!;
        context.Response.Body = new MemoryStream();

        var arguments = method.GetParameters().Select(p =>
            p.ParameterType == typeof(HttpRequest) ? context.Request
            : p.ParameterType == typeof(CancellationToken) ? CancellationToken.None
            : (object?)routeValues![p.Name!]?.ToString()).ToArray();
        var instance = ActivatorUtilities.CreateInstance(scope.ServiceProvider, method.DeclaringType!);
        var result = await (Task<IActionResult>)method.Invoke(instance, arguments)!;
        await result.ExecuteResultAsync(new ActionContext(context, new RouteData(routeValues!), new ActionDescriptor()));

        var headers = new SortedDictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in context.Response.Headers)
        {
            if (!ServerHeaders.Contains(name))
            {
                headers[name] = values.ToString();
            }
        }
        context.Response.Body.Position = 0;
        return (context.Response.StatusCode, headers, await new StreamReader(context.Response.Body).ReadToEndAsync());
    }

    private static RouteValueDictionary? Match(string route, string path)
    {
        var values = new RouteValueDictionary();
        return new TemplateMatcher(TemplateParser.Parse(route), new RouteValueDictionary()).TryMatch("/" + path, values) ? values : null;
    }

    private static string? ContinuationOf(string body) =>
        JsonDocument.Parse(body).RootElement.TryGetProperty("continuationToken", out var token) && token.ValueKind == JsonValueKind.String ? token.GetString() : null;
}
