using System.Reflection;
using Microsoft.Azure.Functions.Worker;

namespace CdrFunctions.Functions.Tests;

/// <summary>The app's functions as the worker sees them: the methods with [Function], read by reflection.</summary>
internal static class FunctionMethods
{
    public static IReadOnlyList<MethodInfo> All { get; } = FunctionsAppHost.FunctionClasses
        .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance))
        .Where(m => m.GetCustomAttribute<FunctionAttribute>() is not null)
        .ToList();

    public static string NameOf(MethodInfo method) => method.GetCustomAttribute<FunctionAttribute>()!.Name;

    public static MethodInfo Named(string name) => All.Single(m => NameOf(m) == name);

    public static T? Trigger<T>(MethodInfo method) where T : Attribute =>
        method.GetParameters().Select(p => p.GetCustomAttribute<T>()).FirstOrDefault(a => a is not null);

    /// <summary>Timer functions with the configuration section their <c>%Vendors:X:Schedule%</c> names.</summary>
    public static IEnumerable<(MethodInfo Method, string Section)> Timers() => All
        .Select(m => (Method: m, Trigger: Trigger<TimerTriggerAttribute>(m)))
        .Where(t => t.Trigger is not null)
        .Select(t => (t.Method, t.Trigger!.Schedule.Trim('%')[..^":Schedule".Length]));

    public static async Task InvokeAsync(this MethodInfo method, object instance, params object?[] arguments)
    {
        var result = method.Invoke(instance, arguments);
        if (result is Task task)
        {
            await task;
        }
    }
}
