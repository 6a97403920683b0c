using DevOpsAgent.Core.Errors;

namespace DevOpsAgent.Core.Protocol;

/// <summary>A message or task this agent will not act on: for another agent, not understood, or not assigned to it.</summary>
public sealed class RefusedException(string message) : DevOpsAgentException(message, ExitCodes.Refused);
