#!/usr/bin/env bash
# The main job, end to end on this machine: bring up the test bed, then let devops-agent deploy the reference
# stack to the local "staging" server over SSH, verify its health, and show status and history.
# For Debian 12 as root.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/testbed.sh up
dotnet build src/DevOpsAgent.Cli --nologo -v quiet -clp:ErrorsOnly
agent() { dotnet src/DevOpsAgent.Cli/bin/Debug/net10.0/devops-agent.dll --config examples/fullstack/devops-agent.yml "$@"; }

echo
echo "\$ devops-agent deploy staging"
agent deploy staging
echo
echo "\$ devops-agent status staging"
agent status staging
echo
echo "\$ devops-agent history staging"
agent history staging --limit 5
echo
echo "The shop is served at http://127.0.0.1:8080/ (health: http://127.0.0.1:8080/health)."
