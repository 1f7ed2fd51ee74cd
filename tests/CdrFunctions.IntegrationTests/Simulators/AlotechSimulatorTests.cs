using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using CdrFunctions.Simulators.Alotech;

namespace CdrFunctions.Tests.Simulators;

public sealed class AlotechSimulatorTests
{
    private const string Token = "test-token";
    private static readonly TimeZoneInfo Istanbul = TimeZoneInfo.FindSystemTimeZoneById("Europe/Istanbul");
    private static readonly DateTimeOffset From = new(2025, 3, 10, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset To = From.AddHours(3);

    [Fact]
    public async Task Wrong_or_missing_token_is_401_text()
    {
        await using var sim = await StartAsync();
        using var http = new HttpClient();

        var wrong = await SendAsync(http, ApiUrl(sim, ListQuery("nope", From, To)));
        var missing = await SendAsync(http, ApiUrl(sim, [("function", "reportsCDRLogs"), ("startdate", Local(From)), ("finishdate", Local(To))]));

        foreach (var reply in new[] { wrong, missing })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, reply.Status);
            Assert.Equal("text/plain", reply.MediaType);
            Assert.Equal("Invalid app_token", reply.Body);
        }
    }

    [Theory]
    [InlineData(null, "2025-03-10 12:00:00", "2025-03-10 15:00:00", "function")]
    [InlineData("reportsFoo", "2025-03-10 12:00:00", "2025-03-10 15:00:00", "Unknown function")]
    [InlineData("reportsCDRLogs", null, "2025-03-10 15:00:00", "startdate")]
    [InlineData("reportsCDRLogs", "2025-03-10T12:00:00", "2025-03-10 15:00:00", "startdate")]
    [InlineData("reportsCDRLogs", "2025-03-10 12:00:00", "10/03/2025 15:00", "finishdate")]
    [InlineData("reportsCDRLogs", "2025-03-10 15:00:00", "2025-03-10 12:00:00", "finishdate")]
    public async Task Bad_parameters_are_400_text(string? function, string? start, string? finish, string expectedInMessage)
    {
        await using var sim = await StartAsync();
        using var http = new HttpClient();
        var query = new List<(string, string)> { ("app_token", Token) };
        AddIfNotNull(query, "function", function);
        AddIfNotNull(query, "startdate", start);
        AddIfNotNull(query, "finishdate", finish);

        var reply = await SendAsync(http, ApiUrl(sim, [.. query]));

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("text/plain", reply.MediaType);
        Assert.Contains(expectedInMessage, reply.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Paging_serves_every_call_of_a_three_hour_range_exactly_once()
    {
        await using var sim = await StartAsync(seed: 7, malformedEvery: 10);
        using var http = new HttpClient();

        var (served, pages) = await PageThroughAsync(http, sim, From, To);

        // finishdate is inclusive, so a call at exactly `To` is served as well.
        var inclusiveEnd = To.AddSeconds(1);
        var expected = sim.ValidCallsBetween(From, inclusiveEnd).Concat(sim.MalformedCallsBetween(From, inclusiveEnd)).ToList();
        Assert.Contains(expected, call => call.CallDateUtc == From);
        Assert.Contains(expected, call => call.CallDateUtc == To);
        Assert.NotEmpty(sim.MalformedCallsBetween(From, To));
        Assert.InRange(expected.Count, 250, 500);

        var servedCallIds = served.Select(record => record["callid"]!.GetValue<string>()).ToList();
        Assert.Equal(servedCallIds.Count, servedCallIds.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(expected.Select(call => call.CallId).Order(StringComparer.Ordinal), servedCallIds.Order(StringComparer.Ordinal));

        var expectedKeys = expected.Where(call => call.Quirk != AlotechCallQuirk.MissingKey).Select(call => call.Key);
        var servedKeys = served.Where(record => record.ContainsKey("key")).Select(record => record["key"]!.GetValue<string>());
        Assert.Equal(expectedKeys.Order(StringComparer.Ordinal), servedKeys.Order(StringComparer.Ordinal));

        // sorting=asc serves the ground-truth order, and each record exactly as the ground truth describes it.
        var chronological = sim.State.CallsBetween(From, inclusiveEnd);
        Assert.Equal(chronological.Select(call => call.CallId), servedCallIds);
        Assert.All(served.Zip(chronological), pair => Assert.True(JsonNode.DeepEquals(pair.Second.Json, pair.First)));

        Assert.Equal((expected.Count + 99) / 100 + 1, pages);
        Assert.Equal(pages, sim.Requests.Count(request => request.Path.StartsWith("/api", StringComparison.Ordinal)
            && request.QueryValue("startdate") == Local(From) && request.StatusCode == 200));
    }

    [Fact]
    public async Task Default_sorting_is_descending_by_calldate()
    {
        await using var sim = await StartAsync();
        using var http = new HttpClient();
        var query = ListQuery(Token, From, To).Where(pair => pair.Name != "sorting").ToArray();

        var page = await GetJsonAsync(http, ApiUrl(sim, query));

        var dates = page["CallList"]!.AsArray().Select(record => record!["calldate"]!.GetValue<string>()).ToList();
        Assert.Equal(100, dates.Count);
        Assert.Equal(dates.OrderDescending(StringComparer.Ordinal), dates);
        Assert.Equal(Local(To), dates[0]);
    }

    [Fact]
    public async Task Local_range_is_converted_with_the_tenant_zone_across_a_dst_change()
    {
        // 2025-11-02 01:00-02:00 happens twice in New York; local 00:00 EDT is 04:00Z and 03:00 EST is 08:00Z.
        await using var sim = await StartAsync(timeZone: "America/New_York");
        using var http = new HttpClient();
        var query = new (string, string)[]
        {
            ("function", "reportsCDRLogs"), ("app_token", Token),
            ("startdate", "2025-11-02 00:00:00"), ("finishdate", "2025-11-02 03:00:00"), ("sorting", "asc"),
        };

        var served = new List<JsonObject>();
        string? cursor = null;
        while (true)
        {
            var page = await GetJsonAsync(http, ApiUrl(sim, cursor is null ? query : [.. query, ("cursor", cursor)]));
            var list = page["CallList"]!.AsArray();
            if (list.Count == 0)
            {
                break;
            }

            served.AddRange(list.Select(record => record!.AsObject()));
            cursor = page["cursor"]!.GetValue<string>();
        }

        var utcStart = new DateTimeOffset(2025, 11, 2, 4, 0, 0, TimeSpan.Zero);
        var expected = sim.State.CallsBetween(utcStart, utcStart.AddHours(4).AddSeconds(1));
        Assert.Equal(expected.Select(call => call.CallId), served.Select(record => record["callid"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Same_seed_gives_identical_bodies_and_another_seed_does_not()
    {
        await using var first = await StartAsync(seed: 11, malformedEvery: 5);
        await using var second = await StartAsync(seed: 11, malformedEvery: 5);
        await using var other = await StartAsync(seed: 12, malformedEvery: 5);
        using var http = new HttpClient();

        var firstPage1 = await SendAsync(http, ApiUrl(first, ListQuery(Token, From, To)));
        var secondPage1 = await SendAsync(http, ApiUrl(second, ListQuery(Token, From, To)));
        var cursor = JsonNode.Parse(firstPage1.Body)!["cursor"]!.GetValue<string>();
        var firstPage2 = await SendAsync(http, ApiUrl(first, ListQuery(Token, From, To, cursor)));
        var secondPage2 = await SendAsync(http, ApiUrl(second, ListQuery(Token, From, To, cursor)));
        var otherPage1 = await SendAsync(http, ApiUrl(other, ListQuery(Token, From, To)));

        Assert.Equal(firstPage1.Body, secondPage1.Body);
        Assert.Equal(firstPage2.Body, secondPage2.Body);
        Assert.NotEqual(firstPage1.Body, firstPage2.Body);
        Assert.NotEqual(firstPage1.Body, otherPage1.Body);
    }

    [Fact]
    public async Task Callkey_returns_that_call_and_an_empty_list_for_unknown_keys()
    {
        await using var sim = await StartAsync(malformedEvery: 3);
        using var http = new HttpClient();
        var calls = sim.ValidCallsBetween(From, To);
        var plain = calls.First(call => call.Quirk == AlotechCallQuirk.None);
        var unusual = calls.First(call => call.Quirk == AlotechCallQuirk.UnusualKey);

        foreach (var call in new[] { plain, unusual })
        {
            var page = await GetJsonAsync(http, ApiUrl(sim, [("function", "reportsCDRLogs"), ("app_token", Token), ("callkey", call.Key)]));
            var record = Assert.Single(page["CallList"]!.AsArray());
            Assert.Equal(call.Key, record!["key"]!.GetValue<string>());
            Assert.True(JsonNode.DeepEquals(call.Json, record));
        }

        Assert.Contains('\u0001', unusual.Key);
        var unknownKeys = new[] { "123", plain.Key[..^1] + (plain.Key[^1] == '0' ? '1' : '0'), "999999999990000" };
        foreach (var key in unknownKeys)
        {
            var page = await GetJsonAsync(http, ApiUrl(sim, [("function", "reportsCDRLogs"), ("app_token", Token), ("callkey", key)]));
            Assert.Empty(page["CallList"]!.AsArray());
        }
    }

    [Fact]
    public async Task Include_flags_add_history_csat_and_tags_arrays()
    {
        await using var sim = await StartAsync();
        using var http = new HttpClient();
        var call = sim.ValidCallsBetween(From, To).First(candidate => candidate.Answered);
        (string, string)[] lookup = [("function", "reportsCDRLogs"), ("app_token", Token), ("callkey", call.Key)];

        var bare = await GetJsonAsync(http, ApiUrl(sim, lookup));
        var full = await GetJsonAsync(http, ApiUrl(sim,
            [.. lookup, ("include_call_history", "true"), ("include_csat", "true"), ("include_call_tags", "true")]));

        var bareRecord = bare["CallList"]![0]!.AsObject();
        var fullRecord = full["CallList"]![0]!.AsObject();
        Assert.False(bareRecord.ContainsKey("call_history"));
        var history = fullRecord["call_history"]!.AsArray();
        Assert.Contains(history, item => item!["event"]!.GetValue<string>() == "CONNECT");
        Assert.IsType<JsonArray>(fullRecord["csat_answers"]);
        Assert.IsType<JsonArray>(fullRecord["call_tags"]);
        Assert.Equal(bareRecord.Count + 3, fullRecord.Count);
    }

    [Fact]
    public async Task Malformed_calls_are_served_broken_and_kept_out_of_the_valid_ground_truth()
    {
        await using var sim = await StartAsync(malformedEvery: 4);
        using var http = new HttpClient();
        var malformed = sim.MalformedCallsBetween(From, To);
        var valid = sim.ValidCallsBetween(From, To);

        Assert.Equal(sim.State.CallsBetween(From, To).Count, malformed.Count + valid.Count);
        Assert.All(malformed, call => Assert.True(call.IsMalformed));
        Assert.DoesNotContain(valid, call => call.IsMalformed);
        Assert.Contains(valid, call => call.Quirk == AlotechCallQuirk.UnusualKey);

        foreach (var quirk in new[] { AlotechCallQuirk.MissingKey, AlotechCallQuirk.InvalidCallDate, AlotechCallQuirk.WrongTypeAnswered })
        {
            var call = malformed.First(candidate => candidate.Quirk == quirk);
            var page = await GetJsonAsync(http, ApiUrl(sim, [("function", "reportsCDRLogs"), ("app_token", Token), ("callkey", call.Key)]));
            var record = Assert.Single(page["CallList"]!.AsArray())!.AsObject();
            switch (quirk)
            {
                case AlotechCallQuirk.MissingKey:
                    Assert.False(record.ContainsKey("key"));
                    break;
                case AlotechCallQuirk.InvalidCallDate:
                    Assert.Equal("not-a-date", record["calldate"]!.GetValue<string>());
                    break;
                default:
                    Assert.IsType<JsonObject>(record["answered"]);
                    break;
            }
        }
    }

    [Fact]
    public async Task Generated_day_contains_the_awkward_cases_on_purpose()
    {
        await using var sim = await StartAsync(seed: 3);
        var day = sim.ValidCallsBetween(From, From.AddDays(1));
        var records = day.Select(call => call.Json).ToList();
        string Text(JsonObject record, string name) => record[name]?.GetValue<string>() ?? "<null>";

        Assert.InRange(day.Count, 2500, 3300);
        Assert.Equal(day.Count, day.Select(call => call.Key).Distinct(StringComparer.Ordinal).Count());
        Assert.All(day, call => Assert.Matches("^[0-9]{15}$", call.Key));
        Assert.Contains(day, call => call.CallDateUtc.Minute == 0 && call.CallDateUtc.Second == 0);
        Assert.Contains(records, record => record["duration"] is null);
        Assert.Contains(records, record => Text(record, "callerid") == "anonymous");
        Assert.Contains(records, record => Text(record, "callerid").StartsWith("+90", StringComparison.Ordinal));
        Assert.Contains(records, record => Text(record, "callerid").StartsWith("905", StringComparison.Ordinal));
        Assert.Contains(records, record => Text(record, "callerid").StartsWith("05", StringComparison.Ordinal));
        Assert.Contains(records, record => Text(record, "callerid").Contains(' ', StringComparison.Ordinal));
        Assert.Contains(records, record => record.ContainsKey("talkdate") && record["talkdate"] is null);
        Assert.Contains(records, record => Text(record, "talkdate") == "");
        Assert.Contains(records, record => !record["inbound"]!.GetValue<bool>());
        Assert.Contains(records, record => record["voicemail"]!.GetValue<bool>());
        Assert.Contains(records, record => record["transferred"]!.GetValue<int>() > 0);
        Assert.Contains(records, record => record["hold"]!.GetValue<int>() > 0 && record["holdduration"]!.GetValue<int>() > 0);
        Assert.Contains(records, record => Text(record, "queue") == "Müşteri Hizmetleri");
        Assert.All(records.Where(record => !record["answered"]!.GetValue<bool>()), record => Assert.Equal("", Text(record, "recordingurl")));
        Assert.All(records, record => Assert.Equal(30, record.Count));
    }

    [Fact]
    public async Task Cursor_tampered_or_for_other_filters_is_400()
    {
        await using var sim = await StartAsync(seed: 1);
        using var http = new HttpClient();
        var ownCursor = (await GetJsonAsync(http, ApiUrl(sim, ListQuery(Token, From, To))))["cursor"]!.GetValue<string>();
        var tampered = (ownCursor[0] == 'A' ? "B" : "A") + ownCursor[1..];

        foreach (var cursor in new[] { tampered, "not a cursor!" })
        {
            var reply = await SendAsync(http, ApiUrl(sim, ListQuery(Token, From, To, cursor)));
            Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
            Assert.Equal("Invalid cursor", reply.Body);
        }

        var otherFilters = await SendAsync(http, ApiUrl(sim, ListQuery(Token, From, To.AddHours(1), ownCursor)));
        Assert.Equal(HttpStatusCode.BadRequest, otherFilters.Status);
    }

    [Fact]
    public async Task TooManyRequests_fault_sends_retry_after_then_recovers()
    {
        await using var sim = await StartAsync();
        using var http = new HttpClient();
        sim.Faults.RetryAfterSeconds = 5;
        sim.Faults.Enqueue(AlotechFault.TooManyRequests);

        var limited = await SendAsync(http, ApiUrl(sim, ListQuery(Token, From, To)));
        var next = await SendAsync(http, ApiUrl(sim, ListQuery(Token, From, To)));

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.Status);
        Assert.Equal(TimeSpan.FromSeconds(5), limited.RetryAfter);
        Assert.Equal(HttpStatusCode.OK, next.Status);
        Assert.Equal(AlotechFault.TooManyRequests, sim.Requests[0].Fault);
        Assert.Equal(429, sim.Requests[0].StatusCode);
    }

    [Fact]
    public async Task Queued_faults_are_served_in_order_and_do_not_advance_the_cursor()
    {
        await using var sim = await StartAsync();
        using var http = new HttpClient();
        var cursor = (await GetJsonAsync(http, ApiUrl(sim, ListQuery(Token, From, To))))["cursor"]!.GetValue<string>();
        var page2 = await SendAsync(http, ApiUrl(sim, ListQuery(Token, From, To, cursor)));
        sim.Faults.Enqueue(AlotechFault.ServerError);
        sim.Faults.Enqueue(AlotechFault.NonJson);
        sim.Faults.Enqueue(AlotechFault.ErrorJson);

        var serverError = await SendAsync(http, ApiUrl(sim, ListQuery(Token, From, To, cursor)));
        var nonJson = await SendAsync(http, ApiUrl(sim, ListQuery(Token, From, To, cursor)));
        var errorJson = await SendAsync(http, ApiUrl(sim, ListQuery(Token, From, To, cursor)));
        var retried = await SendAsync(http, ApiUrl(sim, ListQuery(Token, From, To, cursor)));

        Assert.Equal(HttpStatusCode.InternalServerError, serverError.Status);
        Assert.Equal("text/plain", serverError.MediaType);
        Assert.Equal(HttpStatusCode.OK, nonJson.Status);
        Assert.Equal("text/html", nonJson.MediaType);
        Assert.Equal("<html><body>Service Temporarily Unavailable</body></html>", nonJson.Body);
        Assert.Equal(HttpStatusCode.OK, errorJson.Status);
        var error = JsonNode.Parse(errorJson.Body)!.AsObject();
        Assert.False(error["success"]!.GetValue<bool>());
        Assert.False(error.ContainsKey("CallList"));
        Assert.Equal(page2.Body, retried.Body);
        Assert.Empty(sim.Faults.Pending);
    }

    [Fact]
    public async Task Slow_fault_delays_then_answers_normally()
    {
        await using var sim = await StartAsync();
        using var http = new HttpClient();
        sim.Faults.SlowDelay = TimeSpan.FromMilliseconds(400);
        var normal = await SendAsync(http, ApiUrl(sim, ListQuery(Token, From, To)));
        sim.Faults.Enqueue(AlotechFault.Slow);

        var stopwatch = Stopwatch.StartNew();
        var slow = await SendAsync(http, ApiUrl(sim, ListQuery(Token, From, To)));

        Assert.True(stopwatch.Elapsed >= TimeSpan.FromMilliseconds(380), stopwatch.Elapsed.ToString());
        Assert.Equal(HttpStatusCode.OK, slow.Status);
        Assert.Equal(normal.Body, slow.Body);
    }

    [Fact]
    public async Task Slow_fault_honours_a_client_abort()
    {
        await using var sim = await StartAsync();
        using var http = new HttpClient();
        sim.Faults.SlowDelay = TimeSpan.FromSeconds(30);
        sim.Faults.Enqueue(AlotechFault.Slow);
        using var abort = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => http.GetAsync(ApiUrl(sim, ListQuery(Token, From, To)), abort.Token));

        var deadline = Stopwatch.StartNew();
        while (!sim.Requests.Any(request => request.StatusCode == AlotechRequestLog.ClientClosedRequest))
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(10), "the aborted request was never logged");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Random_faults_follow_the_same_sequence_for_the_same_seed()
    {
        await using var first = await StartAsync(seed: 5);
        await using var second = await StartAsync(seed: 5);
        using var http = new HttpClient();
        foreach (var sim in new[] { first, second })
        {
            sim.Faults.RandomFaultRate = 0.5;
            sim.Faults.RandomKinds = [AlotechFault.ServerError, AlotechFault.TooManyRequests];
            sim.Faults.RetryAfterSeconds = 0;
        }

        var firstStatuses = new List<HttpStatusCode>();
        var secondStatuses = new List<HttpStatusCode>();
        for (var i = 0; i < 30; i++)
        {
            firstStatuses.Add((await SendAsync(http, ApiUrl(first, ListQuery(Token, From, To)))).Status);
            secondStatuses.Add((await SendAsync(http, ApiUrl(second, ListQuery(Token, From, To)))).Status);
        }

        Assert.Equal(firstStatuses, secondStatuses);
        Assert.Contains(HttpStatusCode.OK, firstStatuses);
        Assert.Contains(HttpStatusCode.InternalServerError, firstStatuses);
        Assert.Contains(HttpStatusCode.TooManyRequests, firstStatuses);
    }

    [Fact]
    public async Task Faults_can_be_read_and_set_while_running()
    {
        await using var sim = await StartAsync();
        using var http = new HttpClient();
        sim.Faults.Enqueue(AlotechFault.TooManyRequests, 2);
        sim.Faults.Enqueue(AlotechFault.ServerError);
        sim.Faults.RetryAfterSeconds = 7;
        sim.Faults.SlowDelay = TimeSpan.FromMilliseconds(250);

        Assert.Equal([AlotechFault.TooManyRequests, AlotechFault.TooManyRequests, AlotechFault.ServerError], sim.Faults.Pending);
        Assert.Equal(7, sim.Faults.RetryAfterSeconds);
        Assert.Equal(TimeSpan.FromMilliseconds(250), sim.Faults.SlowDelay);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            var reply = await SendAsync(http, ApiUrl(sim, ListQuery(Token, From, To)));
            statuses.Add(reply.Status);
            if (i == 0)
            {
                Assert.Equal(TimeSpan.FromSeconds(7), reply.RetryAfter);
            }
        }

        Assert.Equal([HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests, HttpStatusCode.InternalServerError, HttpStatusCode.OK], statuses);

        sim.Faults.RandomFaultRate = 1;
        sim.Faults.RandomKinds = [AlotechFault.NonJson];
        Assert.Equal("text/html", (await SendAsync(http, ApiUrl(sim, ListQuery(Token, From, To)))).MediaType);
    }

    [Theory]
    [InlineData("random rate above 1")]
    [InlineData("unknown kind")]
    [InlineData("no random kinds")]
    [InlineData("negative count")]
    [InlineData("negative retry-after")]
    public async Task Invalid_fault_settings_are_refused_and_change_nothing(string change)
    {
        await using var sim = await StartAsync();
        Action set = change switch
        {
            "random rate above 1" => () => sim.Faults.RandomFaultRate = 2,
            "unknown kind" => () => sim.Faults.Enqueue((AlotechFault)99),
            "no random kinds" => () => sim.Faults.RandomKinds = [],
            "negative count" => () => sim.Faults.Enqueue(AlotechFault.ServerError, -1),
            _ => () => sim.Faults.RetryAfterSeconds = -1,
        };

        Assert.ThrowsAny<ArgumentException>(set);

        Assert.Equal(0, sim.Faults.RandomFaultRate);
        Assert.Equal(Enum.GetValues<AlotechFault>(), sim.Faults.RandomKinds);
        Assert.Equal(1, sim.Faults.RetryAfterSeconds);
        Assert.Empty(sim.Faults.Pending);
    }

    [Fact]
    public async Task Request_log_masks_the_token_and_records_the_status()
    {
        await using var sim = await StartAsync();
        using var http = new HttpClient();

        await SendAsync(http, ApiUrl(sim, ListQuery(Token, From, To)));
        await SendAsync(http, ApiUrl(sim, ListQuery("wrong", From, To)));

        Assert.Collection(
            sim.Requests,
            ok =>
            {
                Assert.Equal("GET", ok.Method);
                Assert.Equal("***", ok.QueryValue("app_token"));
                Assert.Equal(Local(From), ok.QueryValue("startdate"));
                Assert.Equal(200, ok.StatusCode);
                Assert.Null(ok.Fault);
            },
            denied =>
            {
                Assert.Equal("***", denied.QueryValue("app_token"));
                Assert.Equal(401, denied.StatusCode);
            });
        Assert.DoesNotContain(sim.Requests, request => request.Query.Values.Any(value => value.Contains(Token, StringComparison.Ordinal)));
    }

    private static Task<AlotechSimulator> StartAsync(int seed = 42, int malformedEvery = 0, string timeZone = "Europe/Istanbul") =>
        AlotechSimulator.StartAsync(new AlotechSimulatorOptions
        {
            AppToken = Token,
            Seed = seed,
            MalformedEvery = malformedEvery,
            TimeZone = timeZone,
        });

    private static async Task<(List<JsonObject> Records, int Pages)> PageThroughAsync(
        HttpClient http, AlotechSimulator sim, DateTimeOffset from, DateTimeOffset to)
    {
        var records = new List<JsonObject>();
        string? cursor = null;
        for (var pages = 1; pages < 100; pages++)
        {
            var page = await GetJsonAsync(http, ApiUrl(sim, ListQuery(Token, from, to, cursor)));
            var list = page["CallList"]!.AsArray();
            var next = page["cursor"]!.GetValue<string>();
            Assert.InRange(list.Count, 0, 100);
            if (list.Count == 0)
            {
                // Past the end the cursor stops changing.
                Assert.Equal(cursor, next);
                return (records, pages);
            }

            records.AddRange(list.Select(record => record!.AsObject()));
            cursor = next;
        }

        throw new InvalidOperationException("Paging never ended.");
    }

    private static (string Name, string Value)[] ListQuery(string token, DateTimeOffset from, DateTimeOffset to, string? cursor = null)
    {
        var query = new List<(string, string)>
        {
            ("function", "reportsCDRLogs"),
            ("app_token", token),
            ("startdate", Local(from)),
            ("finishdate", Local(to)),
            ("sorting", "asc"),
        };
        AddIfNotNull(query, "cursor", cursor);
        return [.. query];
    }

    private static void AddIfNotNull(List<(string, string)> query, string name, string? value)
    {
        if (value is not null)
        {
            query.Add((name, value));
        }
    }

    private static string Local(DateTimeOffset utc) =>
        TimeZoneInfo.ConvertTime(utc, Istanbul).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static Uri ApiUrl(AlotechSimulator sim, (string Name, string Value)[] query) =>
        new(sim.BaseUrl, "api/?" + string.Join('&', query.Select(pair => pair.Name + "=" + Uri.EscapeDataString(pair.Value))));

    private static async Task<JsonObject> GetJsonAsync(HttpClient http, Uri url)
    {
        var reply = await SendAsync(http, url);
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal("application/json", reply.MediaType);
        return JsonNode.Parse(reply.Body)!.AsObject();
    }

    private static async Task<Reply> SendAsync(HttpClient http, Uri url)
    {
        using var response = await http.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        return new Reply(response.StatusCode, response.Content.Headers.ContentType?.MediaType, body, response.Headers.RetryAfter);
    }

    private sealed record Reply(HttpStatusCode Status, string? MediaType, string Body, RetryConditionHeaderValue? RetryAfterHeader)
    {
        public TimeSpan? RetryAfter => RetryAfterHeader?.Delta;
    }
}
