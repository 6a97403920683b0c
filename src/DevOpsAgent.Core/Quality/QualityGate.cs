namespace DevOpsAgent.Core.Quality;

/// <summary>
/// The seed's "before deployment" checklist (<c>devops-agent check</c>) over the application's files; every
/// deploy runs it first and stops on errors.
/// </summary>
public delegate Task<IReadOnlyList<Finding>> QualityGate(CancellationToken cancellationToken);
