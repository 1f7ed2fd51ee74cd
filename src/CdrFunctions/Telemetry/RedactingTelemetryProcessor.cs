using CdrFunctions.Pipeline.Security;
using Microsoft.ApplicationInsights.Channel;
using Microsoft.ApplicationInsights.DataContracts;
using Microsoft.ApplicationInsights.Extensibility;

namespace CdrFunctions.Telemetry;

/// <summary>
/// Last stop before the channel for everything the worker sends to Application Insights: the SDK's dependency
/// collector records each outgoing call's full URL (a vendor token may travel in the query), request
/// telemetry carries URLs too, and traces and exceptions quote whatever they quote. Secret query parameters and
/// configured secret values are replaced in every text field and property (<see cref="SecretRedactor"/>).
/// </summary>
public sealed class RedactingTelemetryProcessor(ITelemetryProcessor next, SecretRedactor redactor) : ITelemetryProcessor
{
    public void Process(ITelemetry item)
    {
        switch (item)
        {
            case DependencyTelemetry dependency:
                dependency.Data = redactor.Redact(dependency.Data);
                dependency.Name = redactor.Redact(dependency.Name);
                break;
            case RequestTelemetry request:
                request.Url = request.Url is null ? null : redactor.Redact(request.Url);
                request.Name = redactor.Redact(request.Name);
                break;
            case TraceTelemetry trace:
                trace.Message = redactor.Redact(trace.Message);
                break;
            case ExceptionTelemetry exception:
                foreach (var details in exception.ExceptionDetailsInfoList)
                {
                    details.Message = redactor.Redact(details.Message);
                }
                break;
        }
        if (item is ISupportProperties withProperties)
        {
            foreach (var key in withProperties.Properties.Keys.ToList())
            {
                withProperties.Properties[key] = redactor.Redact(withProperties.Properties[key]);
            }
        }
        next.Process(item);
    }
}
