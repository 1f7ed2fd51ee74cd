using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace CdrFunctions.Simulators.EngageVoice;

/// <summary>The token endpoints: RingCentral's JWT grant, the exchange for Engage tokens (5 a minute), and refresh.</summary>
internal sealed class EngageVoiceTokenEndpoints(EngageVoiceSimulatorState state)
{
    private const string JwtGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer";

    public async Task RingCentralTokenAsync(HttpContext http)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false);
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{state.Options.ClientId}:{state.Options.ClientSecret}"));
        if (http.Request.Headers.Authorization.ToString() != expected)
        {
            await http.FinishAsync(state, EngageVoiceEndpoint.RingCentralToken, 401, "application/json", """{"error":"invalid_client","error_description":"Invalid client"}""").ConfigureAwait(false);
            return;
        }
        if (form["grant_type"] != JwtGrant || form["assertion"] != state.Options.Jwt)
        {
            await http.FinishAsync(state, EngageVoiceEndpoint.RingCentralToken, 400, "application/json", """{"error":"invalid_grant","error_description":"Invalid JWT"}""").ConfigureAwait(false);
            return;
        }
        var token = state.IssueRingCentralToken();
        await http.FinishAsync(state, EngageVoiceEndpoint.RingCentralToken, 200, "application/json",
            JsonSerializer.Serialize(new { access_token = token, token_type = "bearer", expires_in = 3600 })).ConfigureAwait(false);
    }

    public async Task ExchangeAsync(HttpContext http)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false);
        if (state.TakeExchangeSlot() is { } wait)
        {
            http.Response.Headers.RetryAfter = wait.ToString(CultureInfo.InvariantCulture);
            await http.FinishAsync(state, EngageVoiceEndpoint.Exchange, 429, "text/plain", "Too many requests: 5 token exchanges per minute").ConfigureAwait(false);
            return;
        }
        if (!state.IsRingCentralToken(form["rcAccessToken"]) || form["rcTokenType"] != "Bearer")
        {
            await http.FinishAsync(state, EngageVoiceEndpoint.Exchange, 401, "text/plain", "Invalid RingCentral access token").ConfigureAwait(false);
            return;
        }
        await http.FinishAsync(state, EngageVoiceEndpoint.Exchange, 200, "application/json", Tokens(includeRefresh: http.Request.Query["includeRefresh"] == "true")).ConfigureAwait(false);
    }

    public async Task RefreshAsync(HttpContext http)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false);
        if (!state.RedeemRefreshToken(form["refresh_token"]))
        {
            await http.FinishAsync(state, EngageVoiceEndpoint.Refresh, 401, "text/plain", "Invalid refresh token").ConfigureAwait(false);
            return;
        }
        await http.FinishAsync(state, EngageVoiceEndpoint.Refresh, 200, "application/json", Tokens(includeRefresh: true)).ConfigureAwait(false);
    }

    private string Tokens(bool includeRefresh)
    {
        var (access, refresh) = state.IssueEngageTokens();
        return JsonSerializer.Serialize(new
        {
            accessToken = access,
            refreshToken = includeRefresh ? refresh : null,
            tokenType = "Bearer",
            mainAccountId = state.Options.AccountId,
        });
    }
}
