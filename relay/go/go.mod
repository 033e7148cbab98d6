module sprintcontrol/relay/go

go 1.19
