// Worker entry point: everything the app runs with is composed in CdrFunctionsApp, which the tests share.
using CdrFunctions;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

FunctionsApplication.CreateBuilder(args).ConfigureCdrFunctionsApp().Build().Run();
